import CofferBase

/// What a backend answers; the HTTP layer wraps it in Vault's response envelope.
public struct LogicalResponse: Sendable {
    /// The `data` member of the envelope; `nil` means no data (with no warnings, a 204).
    public var data: [String: JSON]?
    /// Warnings for the envelope's `warnings` member.
    public var warnings: [String]
    /// The `auth` member, for responses that issue a token.
    public var auth: [String: JSON]?
    /// A status to use instead of 200/204, when a backend needs one.
    public var status: Int?

    public init(data: [String: JSON]? = nil, warnings: [String] = [], auth: [String: JSON]? = nil, status: Int? = nil) {
        self.data = data
        self.warnings = warnings
        self.auth = auth
        self.status = status
    }

    /// A response with no body at all (HTTP 204).
    public static let empty = LogicalResponse()
}
