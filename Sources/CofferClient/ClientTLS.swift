/// TLS settings for an ``HTTPClient``; all key material comes from memory, never from files.
public struct ClientTLS: Sendable {
    /// PEM CA certificates to trust instead of the system bundle; `nil` trusts the system bundle.
    public var caPEM: String?
    /// PEM client certificate (chain) to present for mutual TLS.
    public var certificatePEM: String?
    /// PEM private key of ``certificatePEM``.
    public var privateKeyPEM: String?
    /// Base64 SHA-256 of the server's SubjectPublicKeyInfo; when set, any other server key is refused.
    public var pinnedPublicKeySHA256Base64: String?
    /// Skips certificate and host name verification; for tests and bootstrapping only.
    public var insecureSkipVerify: Bool
    /// A single ALPN protocol to offer instead of `http/1.1`, e.g. a private protocol name.
    public var alpn: String?

    /// Creates TLS settings; by default the system trust store and no client certificate.
    public init(
        caPEM: String? = nil, certificatePEM: String? = nil, privateKeyPEM: String? = nil,
        pinnedPublicKeySHA256Base64: String? = nil, insecureSkipVerify: Bool = false, alpn: String? = nil
    ) {
        self.caPEM = caPEM
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
        self.pinnedPublicKeySHA256Base64 = pinnedPublicKeySHA256Base64
        self.insecureSkipVerify = insecureSkipVerify
        self.alpn = alpn
    }
}
