/// How the server terminates TLS: its certificate, and optionally how it authenticates clients.
public struct TLSServerConfiguration: Sendable {
    /// PEM file with the server certificate first, then any intermediates.
    public var certificateChainFile: String
    /// PEM file with the server's private key.
    public var privateKeyFile: String
    /// PEM file of CAs trusted for client certificates; when set, clients are asked for a certificate.
    public var clientCAFile: String?
    /// Whether a client without a valid certificate is refused (only meaningful with ``clientCAFile``).
    public var requireClientCertificate: Bool
    /// ALPN protocols in the server's order of preference.
    public var alpnProtocols: [String]

    /// Creates a TLS configuration; by default no client certificates and ALPN `http/1.1`.
    public init(
        certificateChainFile: String, privateKeyFile: String, clientCAFile: String? = nil,
        requireClientCertificate: Bool = false, alpnProtocols: [String] = ["http/1.1"]
    ) {
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
        self.clientCAFile = clientCAFile
        self.requireClientCertificate = requireClientCertificate
        self.alpnProtocols = alpnProtocols
    }
}
