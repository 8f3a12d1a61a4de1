/// Why a cryptographic operation failed.
///
/// The reason names the operation and, for library failures, OpenSSL's own reason text; it never
/// holds keys, plaintext, tokens or shares.
public struct CryptoError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The stable kind of failure callers branch on.
    public enum Code: String, Sendable {
        case randomFailed
        case invalidKey
        case invalidInput
        case authenticationFailed
        case signatureInvalid
        case encodingFailed
        case certificateInvalid
        case tokenInvalid
        case tokenExpired
        case tokenNotYetValid
        case shamirInvalid
        case internalFailure
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

    /// `crypto.<code>: <reason>`.
    public var description: String { "crypto.\(code.rawValue): \(reason)" }
}
