import CofferCrypto
import Testing

struct PublicKeyTests {
    @Test func pemRoundTripKeepsVerifying() throws {
        let key = try PrivateKey(generating: .p384)
        let publicKey = try PublicKey(pem: key.publicKey.pem)
        #expect(publicKey.pem.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        #expect(publicKey.pem == key.publicKey.pem)
        let message = Array("pinned".utf8)
        #expect(publicKey.isValidSignature(try key.signature(for: message), for: message))
    }

    @Test func spkiHashIsStableAndDistinguishesKeys() throws {
        let key = try PrivateKey(generating: .p256)
        let restored = try PublicKey(pem: key.publicKey.pem)
        #expect(key.publicKey.spkiSHA256.count == 32)
        #expect(restored.spkiSHA256 == key.publicKey.spkiSHA256)
        #expect(try PrivateKey(generating: .p256).publicKey.spkiSHA256 != key.publicKey.spkiSHA256)
    }

    @Test func signaturesOfTheWrongWidthAreRejected() throws {
        let key = try PrivateKey(generating: .p256)
        let message = Array("x".utf8)
        let signature = try key.signature(for: message)
        #expect(!key.publicKey.isValidSignature(Array(signature.dropLast()), for: message))
        #expect(!key.publicKey.isValidSignature(signature + [0], for: message))
        #expect(!key.publicKey.isValidSignature([], for: message))
        #expect(!key.publicKey.isValidSignature([UInt8](repeating: 0, count: 64), for: message))
    }

    @Test func garbagePEMIsRejected() {
        let error = #expect(throws: CryptoError.self) { try PublicKey(pem: "-----BEGIN PUBLIC KEY-----\n") }
        #expect(error?.code == .invalidKey)
    }
}
