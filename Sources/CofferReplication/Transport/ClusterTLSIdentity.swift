/// The certificate, key and trust roots one side of the cluster port presents and accepts.
///
/// Its descriptions leave the PEM texts out, so printing an identity cannot leak its private key.
public struct ClusterTLSIdentity: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The node's certificate first, then any intermediates, as PEM.
    public var certificateChainPEM: String
    /// The private key of the first certificate, as unencrypted PEM.
    public var privateKeyPEM: String
    /// One or more CA certificates, as PEM, that the peer's certificate must chain to.
    ///
    /// A dialer verifies the server against it; a listener ignores it, because each ``ClusterProtocol``
    /// names its own client trust.
    public var trustedCAPEM: String

    /// An identity from PEM texts.
    public init(certificateChainPEM: String, privateKeyPEM: String, trustedCAPEM: String) {
        self.certificateChainPEM = certificateChainPEM
        self.privateKeyPEM = privateKeyPEM
        self.trustedCAPEM = trustedCAPEM
    }

    /// A fixed text without key material.
    public var description: String { "ClusterTLSIdentity(<redacted>)" }

    /// A fixed text without key material.
    public var debugDescription: String { description }
}
