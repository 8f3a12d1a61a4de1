import CofferStorage

/// Why the replication log refused or failed an operation. The reason names indexes and counts, never
/// a stored path or value.
public struct WALError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Stable error codes.
    public enum Code: String, Sendable {
        /// A record or counter could not be decoded.
        case corrupt
        /// A record does not follow the last applied index: the secondary must run a merkle sync.
        case gap
        /// A record would write a local key, which never replicates.
        case localKey
        /// The storage underneath failed.
        case storage
        /// The caller passed an argument outside its range.
        case invalidArgument
    }

    /// The stable code.
    public let code: Code
    /// What went wrong, without secret material.
    public let reason: String

    /// An error with `code` and `reason`.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// A storage failure; its description names the operation only, never a value.
    init(storage error: StorageError) {
        self.init(.storage, error.description)
    }

    /// `wal.<code>: <reason>`.
    public var description: String { "wal.\(code.rawValue): \(reason)" }
}
