import CofferBase

/// An X.509 certificate: the replication CA, a TLS leaf or the controller's local CA.
public final class Certificate: Sendable {
    /// The underlying `X509`.
    let handle: X509Handle
    /// The DER encoding.
    public let der: [UInt8]
    /// The subject's common name, if it has one.
    public let commonName: String?
    /// The start of the validity window.
    public let notBefore: Timestamp
    /// The end of the validity window.
    public let notAfter: Timestamp
    /// Whether basicConstraints marks this as a CA.
    public let isCertificateAuthority: Bool
    /// The serial number as lower-case hex without separators.
    public let serialNumberHex: String
    /// The DNS names of subjectAltName.
    public let dnsNames: [String]
    /// The IP addresses of subjectAltName, as text.
    public let ipAddresses: [String]
    /// The subject public key.
    public let publicKey: PublicKey

    /// Reads every field once, so later reads cannot fail.
    init(handle: X509Handle) throws(CryptoError) {
        self.handle = handle
        der = try handle.der()
        commonName = handle.commonName
        notBefore = Timestamp(seconds: try handle.notBefore())
        notAfter = Timestamp(seconds: try handle.notAfter())
        isCertificateAuthority = handle.isCertificateAuthority
        serialNumberHex = Hex.encode(handle.serialNumber)
        (dnsNames, ipAddresses) = handle.subjectAltNames
        publicKey = try PublicKey(key: handle.publicKey())
    }

    /// Reads the first certificate of a PEM text; throws `certificateInvalid` when there is none.
    public convenience init(pem: String) throws(CryptoError) {
        try self.init(handle: X509Handle.parseAll(pem: pem)[0])
    }

    /// All certificates in a PEM bundle, in the order they appear.
    public static func chain(pem: String) throws(CryptoError) -> [Certificate] {
        var certificates: [Certificate] = []
        for handle in try X509Handle.parseAll(pem: pem) {
            certificates.append(try Certificate(handle: handle))
        }
        return certificates
    }

    /// The certificate as PEM (`-----BEGIN CERTIFICATE-----`).
    public var pem: String { PEMText.encode(der, label: "CERTIFICATE") }

    /// Whether this certificate verifies, now, against a trust store holding only `issuer` (`X509_verify_cert`).
    ///
    /// True for a certificate `issuer` signed directly and for `issuer` itself when it is self-signed.
    public func isIssued(by issuer: Certificate) -> Bool {
        handle.isIssued(by: issuer.handle)
    }
}
