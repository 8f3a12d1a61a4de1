import CofferBase
import CofferCrypto
import Testing

struct AESGCMTests {
    /// McGrew–Viega test case 16: AES-256, 96-bit IV, 20 bytes of AAD, 60 bytes of plaintext.
    enum TestCase16 {
        static let key = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"
        static let nonce = "cafebabefacedbaddecaf888"
        static let associatedData = "feedfacedeadbeeffeedfacedeadbeefabaddad2"
        static let plaintext =
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
            + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
        static let ciphertext =
            "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
            + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
        static let tag = "76fc6ece0f4e1768cddf8853bb2d551b"
    }

    private func bytes(_ hex: String) throws -> [UInt8] {
        try #require(Hex.decode(hex))
    }

    @Test func sealWithNonceMatchesMcGrewViegaVector() throws {
        let cipher = try AESGCM(key: bytes(TestCase16.key))
        let sealed = try cipher.seal(
            bytes(TestCase16.plaintext), nonce: bytes(TestCase16.nonce),
            associatedData: bytes(TestCase16.associatedData))
        #expect(Hex.encode(sealed) == TestCase16.nonce + TestCase16.ciphertext + TestCase16.tag)
    }

    @Test func openRecoversMcGrewViegaPlaintext() throws {
        let cipher = try AESGCM(key: bytes(TestCase16.key))
        let sealed = try bytes(TestCase16.nonce + TestCase16.ciphertext + TestCase16.tag)
        let opened = try cipher.open(sealed, associatedData: bytes(TestCase16.associatedData))
        #expect(Hex.encode(opened) == TestCase16.plaintext)
    }

    @Test(arguments: [0, 1, 15, 16, 17, 1000])
    func sealThenOpenRoundTrips(length: Int) throws {
        let cipher = try AESGCM(key: AESGCM.generateKey())
        let plaintext = SecureRandom.bytes(length)
        let associatedData = Array("secret/data/path".utf8)
        let sealed = cipher.seal(plaintext, associatedData: associatedData)
        #expect(sealed.count == 12 + length + 16)
        #expect(try cipher.open(sealed, associatedData: associatedData) == plaintext)
    }

    @Test func sealUsesAFreshNonceEachTime() throws {
        let cipher = try AESGCM(key: AESGCM.generateKey())
        let first = cipher.seal(Array("same".utf8), associatedData: [UInt8]())
        let second = cipher.seal(Array("same".utf8), associatedData: [UInt8]())
        #expect(first.prefix(12) != second.prefix(12))
        #expect(first != second)
    }

    @Test(arguments: [0, 11, 12, 20, 12 + 5 + 15])
    func flippingAnyBitFailsAuthentication(position: Int) throws {
        // Positions cover the nonce (0, 11), the ciphertext (12, 20) and the last tag byte.
        let cipher = try AESGCM(key: AESGCM.generateKey())
        var sealed = cipher.seal(Array("hello".utf8), associatedData: Array("aad".utf8))
        sealed[position] ^= 0x01
        #expect(throws: CryptoError(.authenticationFailed, "message authentication failed")) {
            try cipher.open(sealed, associatedData: Array("aad".utf8))
        }
    }

    @Test func wrongAssociatedDataFailsAuthentication() throws {
        let cipher = try AESGCM(key: AESGCM.generateKey())
        let sealed = cipher.seal(Array("hello".utf8), associatedData: Array("path/a".utf8))
        let error = #expect(throws: CryptoError.self) {
            try cipher.open(sealed, associatedData: Array("path/b".utf8))
        }
        #expect(error?.code == .authenticationFailed)
    }

    @Test func wrongKeyFailsAuthentication() throws {
        let sealed = try AESGCM(key: AESGCM.generateKey()).seal(Array("hello".utf8), associatedData: [UInt8]())
        let error = #expect(throws: CryptoError.self) {
            try AESGCM(key: AESGCM.generateKey()).open(sealed, associatedData: [UInt8]())
        }
        #expect(error?.code == .authenticationFailed)
    }

    @Test func truncatedDataFailsAuthentication() throws {
        let cipher = try AESGCM(key: AESGCM.generateKey())
        let sealed = cipher.seal([UInt8](), associatedData: [UInt8]())
        let error = #expect(throws: CryptoError.self) {
            try cipher.open(sealed.dropLast(), associatedData: [UInt8]())
        }
        #expect(error?.code == .authenticationFailed)
    }

    @Test(arguments: [0, 16, 31, 33])
    func keysOfTheWrongSizeAreRejected(size: Int) {
        let error = #expect(throws: CryptoError.self) { try AESGCM(key: [UInt8](repeating: 1, count: size)) }
        #expect(error?.code == .invalidKey)
    }

    @Test func nonceOfTheWrongSizeIsRejected() throws {
        let cipher = try AESGCM(key: AESGCM.generateKey())
        let error = #expect(throws: CryptoError.self) {
            try cipher.seal([UInt8](), nonce: [UInt8](repeating: 0, count: 16), associatedData: [UInt8]())
        }
        #expect(error?.code == .invalidInput)
    }

    @Test func oneCipherServesConcurrentCallers() async throws {
        let cipher = try AESGCM(key: AESGCM.generateKey())
        let opened = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<64 {
                group.addTask {
                    let plaintext = Array("value \(index)".utf8)
                    let sealed = cipher.seal(plaintext, associatedData: Array("path".utf8))
                    return (try? cipher.open(sealed, associatedData: Array("path".utf8))) == plaintext
                }
            }
            return await group.reduce(into: 0) { count, success in count += success ? 1 : 0 }
        }
        #expect(opened == 64)
    }
}
