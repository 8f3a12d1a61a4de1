/// Why an ``HTTPClient`` request produced no response.
public struct ClientError: Error, CustomStringConvertible, Sendable {
    /// The stable category of the failure.
    public enum Code: String, Sendable {
        /// The host could not be resolved or refused the connection.
        case connect
        /// The TLS handshake failed: untrusted or mismatched certificate, pin mismatch, refused client.
        case tls
        /// The request did not complete within the client's timeout.
        case timeout
        /// The URL is malformed or uses a scheme other than http and https.
        case invalidURL
        /// Any other failure while sending or receiving.
        case transport
    }

    /// The stable category of the failure.
    public var code: Code
    /// libcurl's explanation of the failure.
    public var reason: String

    /// Creates an error value.
    public init(code: Code, reason: String) {
        self.code = code
        self.reason = reason
    }

    /// `client.<code>: <reason>`, e.g. for logs and CLI output.
    public var description: String { "client.\(code.rawValue): \(reason)" }
}
