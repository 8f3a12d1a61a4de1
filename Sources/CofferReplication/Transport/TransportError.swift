/// Why a cluster-port operation failed.
///
/// The reason names the step that failed and, for TLS failures, OpenSSL's own reason text; it never
/// holds keys, certificates' private parts or frame contents.
public struct TransportError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The stable kind of failure callers branch on.
    public enum Code: String, Sendable {
        /// No TCP connection could be made (refused, unreachable, unresolvable host).
        case connect
        /// The TLS handshake or a TLS record failed, or the peer refused our certificate.
        case tls
        /// A deadline passed before the operation finished.
        case timeout
        /// The connection was closed, by us or by the peer.
        case closed
        /// The peer sent something the frame format does not allow.
        case protocolViolation
        /// A frame was larger than the configured maximum.
        case frameTooLarge
        /// A socket call failed for a reason other than the ones above.
        case io
    }

    /// The kind of failure.
    public let code: Code
    /// A human-readable explanation that is safe to log.
    public let reason: String

    /// Creates an error of kind `code`; `reason` must not contain secret material.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// `transport.<code>: <reason>`.
    public var description: String { "transport.\(code.rawValue): \(reason)" }
}
