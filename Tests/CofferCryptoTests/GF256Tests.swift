import Testing

@testable import CofferCrypto

struct GF256Tests {
    @Test func multiplyMatchesTheAESSpecificationExample() {
        // FIPS 197 §4.2: {57} • {83} = {c1}.
        #expect(GF256.multiply(0x57, 0x83) == 0xc1)
        #expect(GF256.multiply(0x57, 0x13) == 0xfe)
    }

    @Test func everyNonZeroElementTimesItsInverseIsOne() {
        for value in UInt8(1)...UInt8(255) {
            #expect(GF256.multiply(value, GF256.inverse(value)) == 1)
        }
    }

    @Test func zeroAnnihilatesAndOneIsNeutral() {
        for value in UInt8(0)...UInt8(255) {
            #expect(GF256.multiply(value, 0) == 0)
            #expect(GF256.multiply(value, 1) == value)
        }
    }
}
