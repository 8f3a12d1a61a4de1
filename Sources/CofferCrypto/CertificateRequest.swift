/// What a new certificate should say about its subject and how it may be used.
public struct CertificateRequest: Sendable {
    /// The subject's common name.
    public var commonName: String
    /// The subject's organization, if any.
    public var organization: String?
    /// DNS names for subjectAltName.
    public var dnsNames: [String]
    /// IP addresses for subjectAltName, as IPv4 or IPv6 text.
    public var ipAddresses: [String]
    /// Days from issuance until `notAfter`.
    public var validityDays: Int
    /// Whether the certificate may sign other certificates.
    public var isCertificateAuthority: Bool
    /// Whether a leaf may authenticate TLS servers (extendedKeyUsage serverAuth).
    public var serverAuth: Bool
    /// Whether a leaf may authenticate TLS clients (extendedKeyUsage clientAuth).
    public var clientAuth: Bool

    /// A request with the given subject and uses; by default a one-year leaf for both TLS servers and clients.
    public init(
        commonName: String, organization: String? = nil, dnsNames: [String] = [], ipAddresses: [String] = [],
        validityDays: Int = 365, isCertificateAuthority: Bool = false, serverAuth: Bool = true, clientAuth: Bool = true
    ) {
        self.commonName = commonName
        self.organization = organization
        self.dnsNames = dnsNames
        self.ipAddresses = ipAddresses
        self.validityDays = validityDays
        self.isCertificateAuthority = isCertificateAuthority
        self.serverAuth = serverAuth
        self.clientAuth = clientAuth
    }
}
