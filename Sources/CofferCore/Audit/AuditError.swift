/// Why an audit device could not record an entry, or could not be set up.
///
/// The reason names the device's file and the system's error text, never an entry's content.
public struct AuditError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, stable across releases.
    public enum Code: String, Sendable {
        /// The log file could not be opened (or created) for appending.
        case open
        /// Appending a line failed or was cut short.
        case write
        /// The device's salt is missing from storage, so nothing can be hashed.
        case salt
    }

    /// What went wrong.
    public let code: Code
    /// A sentence for the operator.
    public let reason: String

    /// An error with `code` and a `reason` that names no entry content.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "audit.\(code.rawValue): \(reason)" }

    /// Equal when the codes are; the reason is for people.
    public static func == (lhs: AuditError, rhs: AuditError) -> Bool { lhs.code == rhs.code }
}
