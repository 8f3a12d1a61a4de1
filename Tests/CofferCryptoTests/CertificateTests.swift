import CofferCrypto
import Testing

struct CertificateTests {
    private func makeChain() throws -> (ca: Certificate, leaf: Certificate) {
        let caKey = try PrivateKey(generating: .p256)
        let ca = try CertificateAuthority.selfSigned(CertificateRequest(commonName: "Local CA"), key: caKey)
        let leafKey = try PrivateKey(generating: .p256)
        let leaf = try CertificateAuthority.issue(
            CertificateRequest(commonName: "api", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"]),
            publicKey: leafKey.publicKey, issuer: ca, issuerKey: caKey)
        return (ca, leaf)
    }

    @Test func pemRoundTripPreservesEveryField() throws {
        let (ca, leaf) = try makeChain()
        let parsed = try Certificate(pem: leaf.pem)
        #expect(leaf.pem.hasPrefix("-----BEGIN CERTIFICATE-----\n"))
        #expect(parsed.der == leaf.der)
        #expect(parsed.pem == leaf.pem)
        #expect(parsed.commonName == "api")
        #expect(parsed.serialNumberHex == leaf.serialNumberHex)
        #expect(parsed.notBefore == leaf.notBefore)
        #expect(parsed.notAfter == leaf.notAfter)
        #expect(parsed.dnsNames == ["localhost"])
        #expect(parsed.ipAddresses == ["127.0.0.1"])
        #expect(!parsed.isCertificateAuthority)
        #expect(parsed.publicKey.spkiSHA256 == leaf.publicKey.spkiSHA256)
        #expect(parsed.isIssued(by: try Certificate(pem: ca.pem)))
    }

    @Test func chainReadsEveryCertificateInOrder() throws {
        let (ca, leaf) = try makeChain()
        let bundle = leaf.pem + "\n" + ca.pem
        let chain = try Certificate.chain(pem: bundle)
        #expect(chain.map(\.der) == [leaf.der, ca.der])
        #expect(try Certificate(pem: bundle).der == leaf.der)
    }

    @Test(arguments: [
        "", "hello", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    ])
    func garbageIsRejected(pem: String) {
        let error = #expect(throws: CryptoError.self) { try Certificate.chain(pem: pem) }
        #expect(error?.code == .certificateInvalid)
        #expect(throws: CryptoError.self) { try Certificate(pem: pem) }
    }

    @Test func aBrokenCertificateAfterAGoodOneIsRejected() throws {
        let (ca, _) = try makeChain()
        let bundle = ca.pem + "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
        #expect(throws: CryptoError.self) { try Certificate.chain(pem: bundle) }
    }
}
