import CofferBase
import Testing

@testable import CofferCore

@Suite struct KVFieldsTests {
    @Test(
        arguments: [(0, "0s"), (45, "45s"), (60, "1m0s"), (90, "1m30s"), (3600, "1h0m0s"), (12319, "3h25m19s")]
            as [(Int64, String)])
    func durationsPrintAsGoDoes(seconds: Int64, text: String) {
        #expect(KVFields.goDuration(seconds) == text)
    }

    @Test func versionListsAcceptVaultsForms() throws {
        #expect(try KVFields.versions([1, "2", 3]) == [1, 2, 3])
        #expect(try KVFields.versions("4, 5") == [4, 5])
        #expect(try KVFields.versions(6) == [6])
        #expect(throws: CofferError.badRequest("No version number provided")) { try KVFields.versions(nil) }
    }

    @Test func errorsNameTheFieldButNotTheValue() {
        let error = #expect(throws: CofferError.self) { try KVFields.nonNegativeInt("max_versions", "s3cr3t") }
        #expect(error?.messages == ["field \"max_versions\": expected a non-negative integer, got string"])
    }

    @Test func customMetadataTakesScalarsAsTextAndRefusesTheRest() throws {
        let converted = try KVFields.customMetadata("custom_metadata", ["a": "b", "n": 2, "t": true])
        #expect(converted == ["a": "b", "n": "2", "t": "true"])
        #expect(throws: CofferError.self) { try KVFields.customMetadata("custom_metadata", ["a": ["b": "c"]]) }
        #expect(throws: CofferError.self) { try KVFields.customMetadata("custom_metadata", ["line\nbreak": "v"]) }
    }
}
