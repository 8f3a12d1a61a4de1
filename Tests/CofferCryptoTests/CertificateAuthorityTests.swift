import CofferBase
import CofferCrypto
import Testing

struct CertificateAuthorityTests {
    private func makeCA(_ name: String = "Coffer Replication CA") throws -> (Certificate, PrivateKey) {
        let key = try PrivateKey(generating: .p384)
        let request = CertificateRequest(commonName: name, organization: "Coffer", validityDays: 3650)
        return (try CertificateAuthority.selfSigned(request, key: key), key)
    }

    @Test func selfSignedCertificateIsACAIssuedByItself() throws {
        let before = Clock.now().seconds
        let (ca, key) = try makeCA()
        let after = Clock.now().seconds
        #expect(ca.isCertificateAuthority)
        #expect(ca.commonName == "Coffer Replication CA")
        #expect(ca.isIssued(by: ca))
        #expect(ca.publicKey.spkiSHA256 == key.publicKey.spkiSHA256)
        #expect(((before - 60)...(after - 60)).contains(ca.notBefore.seconds))
        #expect(ca.notAfter.seconds - ca.notBefore.seconds == 3650 * 86_400 + 60)
        #expect(ca.serialNumberHex.count == 32)
    }

    @Test func serialNumbersAreRandom() throws {
        let key = try PrivateKey(generating: .p256)
        let request = CertificateRequest(commonName: "ca")
        let first = try CertificateAuthority.selfSigned(request, key: key)
        let second = try CertificateAuthority.selfSigned(request, key: key)
        #expect(first.serialNumberHex != second.serialNumberHex)
    }

    @Test func issuedLeafCarriesRequestAndChainsToItsCA() throws {
        let (ca, caKey) = try makeCA()
        let leafKey = try PrivateKey(generating: .p521)
        let request = CertificateRequest(
            commonName: "secondary-1", dnsNames: ["node1.dc2.internal", "*.coffer.local"],
            ipAddresses: ["127.0.0.1", "::1", "2001:db8::7"], validityDays: 30)
        let leaf = try CertificateAuthority.issue(request, publicKey: leafKey.publicKey, issuer: ca, issuerKey: caKey)
        #expect(leaf.commonName == "secondary-1")
        #expect(!leaf.isCertificateAuthority)
        #expect(leaf.dnsNames == ["node1.dc2.internal", "*.coffer.local"])
        #expect(leaf.ipAddresses == ["127.0.0.1", "::1", "2001:db8::7"])
        #expect(leaf.publicKey.pem == leafKey.publicKey.pem)
        #expect(leaf.isIssued(by: ca))
        #expect(!ca.isIssued(by: leaf))
    }

    @Test func leafIsNotIssuedByAnotherCA() throws {
        let (ca, caKey) = try makeCA()
        let (otherCA, _) = try makeCA()
        let leafKey = try PrivateKey(generating: .p256)
        let leaf = try CertificateAuthority.issue(
            CertificateRequest(commonName: "leaf"), publicKey: leafKey.publicKey, issuer: ca, issuerKey: caKey)
        #expect(leaf.isIssued(by: ca))
        #expect(!leaf.isIssued(by: otherCA))
        #expect(!ca.isIssued(by: otherCA))
    }

    @Test func intermediateCanIssueLeaves() throws {
        let (root, rootKey) = try makeCA()
        let intermediateKey = try PrivateKey(generating: .p384)
        let intermediate = try CertificateAuthority.issue(
            CertificateRequest(commonName: "intermediate", isCertificateAuthority: true),
            publicKey: intermediateKey.publicKey, issuer: root, issuerKey: rootKey)
        #expect(intermediate.isCertificateAuthority)
        #expect(intermediate.isIssued(by: root))
        let leafKey = try PrivateKey(generating: .p256)
        let leaf = try CertificateAuthority.issue(
            CertificateRequest(commonName: "leaf"), publicKey: leafKey.publicKey, issuer: intermediate,
            issuerKey: intermediateKey)
        #expect(leaf.isIssued(by: intermediate))
        #expect(!leaf.isIssued(by: root))
    }

    @Test func leafCannotIssueCertificates() throws {
        let (ca, caKey) = try makeCA()
        let leafKey = try PrivateKey(generating: .p256)
        let leaf = try CertificateAuthority.issue(
            CertificateRequest(commonName: "leaf"), publicKey: leafKey.publicKey, issuer: ca, issuerKey: caKey)
        let error = #expect(throws: CryptoError.self) {
            try CertificateAuthority.issue(
                CertificateRequest(commonName: "x"), publicKey: leafKey.publicKey, issuer: leaf, issuerKey: leafKey)
        }
        #expect(error?.code == .certificateInvalid)
    }

    @Test func issuerKeyMustMatchIssuerCertificate() throws {
        let (ca, _) = try makeCA()
        let stranger = try PrivateKey(generating: .p384)
        let error = #expect(throws: CryptoError.self) {
            try CertificateAuthority.issue(
                CertificateRequest(commonName: "x"), publicKey: stranger.publicKey, issuer: ca, issuerKey: stranger)
        }
        #expect(error?.code == .invalidKey)
    }

    @Test(arguments: [
        CertificateRequest(commonName: ""),
        CertificateRequest(commonName: "x", validityDays: 0),
        CertificateRequest(commonName: "x", dnsNames: ["bad,name"]),
        CertificateRequest(commonName: "x", dnsNames: ["IP:1.2.3.4"]),
        CertificateRequest(commonName: "x", ipAddresses: ["300.1.1.1"]),
        CertificateRequest(commonName: "x", ipAddresses: ["example.com"]),
    ])
    func invalidRequestsAreRejected(request: CertificateRequest) throws {
        let (ca, caKey) = try makeCA()
        let error = #expect(throws: CryptoError.self) {
            try CertificateAuthority.issue(request, publicKey: caKey.publicKey, issuer: ca, issuerKey: caKey)
        }
        #expect(error?.code == .invalidInput)
    }
}
