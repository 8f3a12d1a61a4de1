import CofferCrypto
import Testing

struct PasswordHashTests {
    private let cheap = Scrypt.Parameters(cost: 1 << 10, blockSize: 8, parallelism: 1)

    @Test func verifiesTheRightPasswordOnly() throws {
        let hash = try PasswordHash.make(password: Array("correct horse".utf8), parameters: cheap)
        #expect(hash.verify(Array("correct horse".utf8)))
        #expect(!hash.verify(Array("correct horsf".utf8)))
        #expect(!hash.verify([UInt8]()))
    }

    @Test func theSamePasswordGetsADifferentSaltEachTime() throws {
        let first = try PasswordHash.make(password: Array("pw".utf8), parameters: cheap)
        let second = try PasswordHash.make(password: Array("pw".utf8), parameters: cheap)
        #expect(first.salt.count == PasswordHash.saltSize)
        #expect(first.salt != second.salt && first.digest != second.digest)
    }

    @Test func theEncodedFormCarriesItsParametersAndRoundTrips() throws {
        let hash = try PasswordHash.make(password: Array("pw".utf8))
        #expect(hash.encoded.hasPrefix("$scrypt$ln=15,r=8,p=1$"))
        let parsed = try #require(PasswordHash(encoded: hash.encoded))
        #expect(parsed == hash)
        #expect(parsed.verify(Array("pw".utf8)))

        let older = try PasswordHash.make(password: Array("pw".utf8), parameters: cheap)
        let reparsed = try #require(PasswordHash(encoded: older.encoded))
        #expect(reparsed.parameters == cheap && reparsed.verify(Array("pw".utf8)))
    }

    @Test(arguments: [
        "", "$scrypt$ln=15,r=8,p=1$c2FsdA", "$bcrypt$ln=15,r=8,p=1$c2FsdA$" + String(repeating: "A", count: 43),
        "$scrypt$ln=15,r=8$c2FsdA$" + String(repeating: "A", count: 43),
        "$scrypt$ln=40,r=8,p=1$c2FsdA$" + String(repeating: "A", count: 43),
        "$scrypt$ln=15,r=8,p=1$!!!$" + String(repeating: "A", count: 43),
        "$scrypt$ln=15,r=8,p=1$c2FsdA$AAAA",
    ])
    func malformedEncodingsAreRejected(text: String) {
        #expect(PasswordHash(encoded: text) == nil)
    }
}
