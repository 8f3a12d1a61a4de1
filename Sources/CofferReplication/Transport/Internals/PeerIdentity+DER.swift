import CofferBase
import CofferCrypto

extension PeerIdentity {
    /// The identity of a DER certificate as TLS delivered it; throws `tls` when it cannot be parsed.
    init(der: [UInt8]) throws(TransportError) {
        let body = Array(Base64.encode(der).utf8)
        var pem = "-----BEGIN CERTIFICATE-----\n"
        // OpenSSL's PEM reader expects the base64 body in lines of 64 characters.
        for start in stride(from: 0, to: body.count, by: 64) {
            pem += String(decoding: body[start..<min(start + 64, body.count)], as: UTF8.self) + "\n"
        }
        pem += "-----END CERTIFICATE-----\n"
        do throws(CryptoError) {
            self.init(certificate: try Certificate(pem: pem))
        } catch {
            throw TransportError(.tls, "reading the peer certificate failed: \(error.reason)")
        }
    }
}
