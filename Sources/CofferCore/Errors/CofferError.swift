import CofferStorage

/// An error a request can end with: an HTTP status as Vault maps it, and messages safe to show.
///
/// Messages never contain secret values, tokens or shares; they name fields and paths only.
public struct CofferError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The HTTP status code Vault uses for this kind of failure.
    public let status: Int
    /// The messages for Vault's `{"errors": [...]}` body.
    public let messages: [String]

    public init(status: Int, _ messages: [String]) {
        self.status = status
        self.messages = messages
    }

    public init(status: Int, _ message: String) {
        self.init(status: status, [message])
    }

    public var description: String { "coffer.\(status): \(messages.joined(separator: "; "))" }

    /// 400: the request is malformed or not allowed in the current state.
    public static func badRequest(_ message: String) -> CofferError { CofferError(status: 400, message) }

    /// 403 with Vault's wording.
    public static let permissionDenied = CofferError(status: 403, "permission denied")

    /// 404 for a path no backend serves.
    public static func unsupportedPath(_ path: String) -> CofferError {
        CofferError(status: 404, "no handler for route \"\(path)\". route entry not found.")
    }

    /// 404 with no message, as Vault answers a read of a missing secret.
    public static let notFound = CofferError(status: 404, [])

    /// 405 for an operation the path does not support.
    public static let unsupportedOperation = CofferError(status: 405, "unsupported operation")

    /// 503: the node is sealed.
    public static let sealed = CofferError(status: 503, "Vault is sealed")

    /// A write to replicated data on a secondary cluster: the pipeline forwards the request to the
    /// primary instead; a client sees this 421 only when no primary can be reached.
    public static let mustForward = CofferError(
        status: 421, "this write changes replicated data and must be made on the primary cluster")

    /// 500 with a message for the operator; callers pass no secret.
    public static func internalError(_ message: String) -> CofferError { CofferError(status: 500, message) }

    /// 500 for a storage failure.
    public static func storage(_ error: StorageError) -> CofferError {
        CofferError(status: 500, "storage error: \(error.description)")
    }
}
