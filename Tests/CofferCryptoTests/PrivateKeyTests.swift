import CofferCrypto
import Testing

struct PrivateKeyTests {
    static let algorithms: [(KeyAlgorithm, Int)] = [(.p256, 64), (.p384, 96), (.p521, 132)]

    @Test(arguments: algorithms)
    func signatureIsRawFixedWidthAndVerifies(algorithm: KeyAlgorithm, width: Int) throws {
        let key = try PrivateKey(generating: algorithm)
        let message = Array("replicate me".utf8)
        let signature = try key.signature(for: message)
        #expect(key.algorithm == algorithm)
        #expect(signature.count == width)
        #expect(key.publicKey.isValidSignature(signature, for: message))
    }

    @Test(arguments: algorithms)
    func signaturesFromAnotherKeyAreRejected(algorithm: KeyAlgorithm, width: Int) throws {
        let message = Array("replicate me".utf8)
        let signature = try PrivateKey(generating: algorithm).signature(for: message)
        let other = try PrivateKey(generating: algorithm)
        #expect(!other.publicKey.isValidSignature(signature, for: message))
    }

    @Test(arguments: algorithms)
    func signaturesOverATamperedMessageAreRejected(algorithm: KeyAlgorithm, width: Int) throws {
        let key = try PrivateKey(generating: algorithm)
        let signature = try key.signature(for: Array("amount=10".utf8))
        #expect(!key.publicKey.isValidSignature(signature, for: Array("amount=99".utf8)))
        var flipped = signature
        flipped[width / 2 - 1] ^= 0x01
        #expect(!key.publicKey.isValidSignature(flipped, for: Array("amount=10".utf8)))
    }

    @Test(arguments: algorithms)
    func pemRoundTripKeepsTheKey(algorithm: KeyAlgorithm, width: Int) throws {
        let key = try PrivateKey(generating: algorithm)
        #expect(key.pem.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        let restored = try PrivateKey(pem: key.pem)
        #expect(restored.algorithm == algorithm)
        #expect(restored.publicKey.pem == key.publicKey.pem)
        let message = Array("hello".utf8)
        #expect(key.publicKey.isValidSignature(try restored.signature(for: message), for: message))
    }

    @Test func signingAnEmptyMessageWorks() throws {
        let key = try PrivateKey(generating: .p256)
        #expect(key.publicKey.isValidSignature(try key.signature(for: [UInt8]()), for: [UInt8]()))
    }

    @Test(arguments: [
        "", "not pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    ])
    func garbagePEMIsRejected(pem: String) {
        let error = #expect(throws: CryptoError.self) { try PrivateKey(pem: pem) }
        #expect(error?.code == .invalidKey)
    }

    @Test func publicKeyPEMIsNotAPrivateKey() throws {
        let publicPEM = try PrivateKey(generating: .p256).publicKey.pem
        #expect(throws: CryptoError.self) { try PrivateKey(pem: publicPEM) }
    }
}
