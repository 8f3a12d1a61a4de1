import CofferCrypto
import Testing

struct ConstantTimeTests {
    @Test func equalsComparesContents() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([0, 2, 3], [1, 2, 3]))
    }

    @Test func equalsIsFalseForDifferentLengths() {
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(!ConstantTime.equals([], [0]))
    }

    @Test func emptyInputsAreEqual() {
        #expect(ConstantTime.equals([UInt8](), [UInt8]()))
    }

    @Test func equalsAcceptsSlicesAndLazyCollections() {
        let bytes: [UInt8] = [9, 8, 7, 6]
        #expect(ConstantTime.equals(bytes[1...], [8, 7, 6]))
        #expect(ConstantTime.equals(bytes.lazy.map { $0 }, bytes))
    }
}
