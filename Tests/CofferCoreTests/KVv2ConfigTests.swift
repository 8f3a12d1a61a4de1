import CofferBase
import Testing

@testable import CofferCore

@Suite struct KVv2ConfigTests {
    @Test func configStartsWithVaultsDefaultsAndKeepsWhatIsWritten() throws {
        let kv = KVv2Harness()
        let defaults = try kv.call(.read, "config").data
        #expect(defaults == ["cas_required": false, "delete_version_after": "0s", "max_versions": 0])

        #expect(try kv.call(.update, "config", ["max_versions": "7", "delete_version_after": 3700]).data == nil)
        try kv.call(.update, "config", ["cas_required": true])
        let written = try kv.call(.read, "config").data
        #expect(written == ["cas_required": true, "delete_version_after": "1h1m40s", "max_versions": 7])
    }

    @Test(
        arguments: [
            ["max_versions": -3], ["max_versions": 1.5], ["cas_required": [true]], ["delete_version_after": "-5s"],
        ] as [[String: JSON]])
    func invalidConfigIsRejectedAndChangesNothing(body: [String: JSON]) throws {
        let kv = KVv2Harness()
        try kv.call(.update, "config", ["max_versions": 3])
        #expect(kv.rejection(.update, "config", body)?.status == 400)
    }
}
