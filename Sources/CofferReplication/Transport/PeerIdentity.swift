import CofferCrypto

/// Who is at the other end of a connection, as its verified certificate says.
public struct PeerIdentity: Sendable {
    /// The subject common name of the peer's certificate, if it has one.
    public let commonName: String?
    /// The certificate's serial number, as lower-case hex without separators (as ``Certificate`` spells it).
    public let serialNumberHex: String
    /// The certificate's DER encoding.
    public let certificateDER: [UInt8]
    /// The parsed certificate.
    public let certificate: Certificate

    /// The identity of `certificate`.
    public init(certificate: Certificate) {
        self.commonName = certificate.commonName
        self.serialNumberHex = certificate.serialNumberHex
        self.certificateDER = certificate.der
        self.certificate = certificate
    }
}
