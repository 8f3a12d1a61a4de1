import Glibc

/// Where and how an ``HTTPServer`` listens, and the limits it enforces.
public struct HTTPServerConfiguration: Sendable {
    /// An IPv4 or IPv6 literal, or `localhost` (which means 127.0.0.1).
    public var host: String
    /// The TCP port; 0 picks an ephemeral port, readable from ``HTTPServer/boundPort`` after start.
    public var port: Int
    /// TLS settings; `nil` serves plain HTTP.
    public var tls: TLSServerConfiguration?
    /// How many event-loop threads accept and serve connections.
    public var workerThreads: Int
    /// Threads that run requests other than GET and HEAD off the event loops (0 runs them on the loops):
    /// a durable write then waits for its group commit without holding up a loop, and the writes of
    /// many connections meet in one commit.
    public var blockingThreads: Int = 64
    /// The largest request body accepted; larger ones are answered with 413.
    public var maxBodyBytes: Int
    /// The largest request line plus headers accepted.
    public var maxHeaderBytes: Int
    /// How long a connection may stay silent (or stall mid-request) before it is closed.
    public var idleTimeoutSeconds: Int

    /// Creates a configuration; the defaults match Vault's listener limits.
    public init(
        host: String, port: Int, tls: TLSServerConfiguration? = nil,
        workerThreads: Int = HTTPServerConfiguration.defaultWorkerThreads, maxBodyBytes: Int = 32 * 1024 * 1024,
        maxHeaderBytes: Int = 64 * 1024, idleTimeoutSeconds: Int = 60
    ) {
        self.host = host
        self.port = port
        self.tls = tls
        self.workerThreads = workerThreads
        self.maxBodyBytes = maxBodyBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.idleTimeoutSeconds = idleTimeoutSeconds
    }

    /// Four event loops per online core, at least four: handlers may block, so loops outnumber cores.
    public static var defaultWorkerThreads: Int {
        max(4, 4 * max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// This configuration, or an `.invalidConfiguration` error naming the first inconsistent setting.
    func validated() throws(HTTPServerError) -> HTTPServerConfiguration {
        func invalid(_ reason: String) -> HTTPServerError {
            HTTPServerError(code: .invalidConfiguration, reason: reason)
        }
        guard (0...65535).contains(port) else { throw invalid("port \(port) is out of range") }
        guard workerThreads >= 1 else { throw invalid("workerThreads must be at least 1") }
        guard maxBodyBytes >= 0, maxHeaderBytes > 0 else { throw invalid("size limits must be positive") }
        guard idleTimeoutSeconds > 0 else { throw invalid("idleTimeoutSeconds must be positive") }
        if let tls, tls.requireClientCertificate, tls.clientCAFile == nil {
            throw invalid("requireClientCertificate needs clientCAFile")
        }
        if let tls, tls.alpnProtocols.contains(where: { $0.isEmpty || $0.utf8.count > 255 }) {
            throw invalid("ALPN protocol names must be 1 to 255 bytes")
        }
        return self
    }
}
