/// Why the HTTP server could not be configured, started or run.
public struct HTTPServerError: Error, CustomStringConvertible, Sendable {
    /// The stable category of the failure.
    public enum Code: String, Sendable {
        /// The configuration is inconsistent, e.g. an unparsable host or a negative limit.
        case invalidConfiguration
        /// A listening socket could not be created, bound or put into listening state.
        case bind
        /// The TLS context could not be built from the configured files.
        case tls
        /// libevent refused to create an event loop or HTTP server, or a worker thread did not start.
        case eventLoop
        /// The server was started twice or after it was stopped.
        case state
    }

    /// The stable category of the failure.
    public var code: Code
    /// A human-readable explanation without secret material.
    public var reason: String

    /// Creates an error value.
    public init(code: Code, reason: String) {
        self.code = code
        self.reason = reason
    }

    /// `http.<code>: <reason>`, e.g. for logs and CLI output.
    public var description: String { "http.\(code.rawValue): \(reason)" }
}
