import CofferClient
import CofferCrypto
import Foundation

/// A CA and a server certificate for 127.0.0.1, written to a directory for an agent to use.
struct TestPKI {
    let caPEM: String
    let certificateFile: String
    let keyFile: String

    init(directory: URL) throws {
        let caKey = try PrivateKey(generating: .p256)
        let ca = try CertificateAuthority.selfSigned(
            CertificateRequest(commonName: "coffer test CA", isCertificateAuthority: true), key: caKey)
        let serverKey = try PrivateKey(generating: .p256)
        let server = try CertificateAuthority.issue(
            CertificateRequest(commonName: "coffer test node", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"]),
            publicKey: serverKey.publicKey, issuer: ca, issuerKey: caKey)
        caPEM = ca.pem
        certificateFile = directory.appendingPathComponent("node.pem").path
        keyFile = directory.appendingPathComponent("node-key.pem").path
        try server.pem.write(toFile: certificateFile, atomically: true, encoding: .utf8)
        try serverKey.pem.write(toFile: keyFile, atomically: true, encoding: .utf8)
    }

    /// Client TLS settings that trust only this CA.
    var clientTLS: ClientTLS { ClientTLS(caPEM: caPEM) }
}
