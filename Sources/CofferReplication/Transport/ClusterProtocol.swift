/// One protocol the cluster port serves: its ALPN name, the CA its clients must chain to, and its handler.
public struct ClusterProtocol: Sendable {
    /// The ALPN protocol name, such as `coffer-repl-v1`; 1 to 255 bytes.
    public let alpn: String
    /// The CA certificate(s), as PEM, that a client offering ``alpn`` must present a certificate from.
    public let trustedCAPEM: String
    /// Serves one accepted connection on the connection's own thread; the connection is closed when it returns.
    public let handler: @Sendable (ClusterConnection) -> Void
    /// The certificate the listener presents to clients of this protocol; `nil` uses the listener's identity.
    ///
    /// Lets one port show a replication-CA certificate to secondaries and a cluster-CA certificate to
    /// standbys, whose trust roots differ. Its `trustedCAPEM` is ignored.
    public let serverIdentity: ClusterTLSIdentity?

    /// A protocol named `alpn` whose clients must chain to `trustedCAPEM`, served by `handler`.
    public init(
        alpn: String, trustedCAPEM: String, serverIdentity: ClusterTLSIdentity? = nil,
        handler: @escaping @Sendable (ClusterConnection) -> Void
    ) {
        self.alpn = alpn
        self.trustedCAPEM = trustedCAPEM
        self.serverIdentity = serverIdentity
        self.handler = handler
    }
}
