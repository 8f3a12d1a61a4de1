import CofferCrypto
import Testing

struct SecureRandomTests {
    @Test(arguments: [0, 1, 16, 32, 1000])
    func bytesHasRequestedLength(count: Int) {
        #expect(SecureRandom.bytes(count).count == count)
    }

    @Test func bytesDifferBetweenCalls() {
        #expect(SecureRandom.bytes(32) != SecureRandom.bytes(32))
    }

    @Test func uuidIsLowerCaseVersion4() {
        let uuid = SecureRandom.uuid()
        let characters = Array(uuid)
        #expect(characters.count == 36)
        for index in [8, 13, 18, 23] {
            #expect(characters[index] == "-")
        }
        #expect(characters[14] == "4")
        #expect("89ab".contains(characters[19]))
        #expect(uuid.allSatisfy { "0123456789abcdef-".contains($0) })
        #expect(SecureRandom.uuid() != uuid)
    }

    @Test(arguments: [0, 1, 24, 500])
    func base62HasRequestedLengthAndAlphabet(count: Int) {
        let text = SecureRandom.base62(count)
        #expect(text.count == count)
        #expect(text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
    }

    @Test func base62UsesTheWholeAlphabet() {
        #expect(Set(SecureRandom.base62(4000)).count == 62)
    }
}
