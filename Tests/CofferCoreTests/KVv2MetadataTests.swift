import CofferBase
import Testing

@testable import CofferCore

@Suite struct KVv2MetadataTests {
    @Test func metadataReadHasVaultsShape() throws {
        let kv = KVv2Harness()
        let first = Clock.rfc3339(kv.clock.now())
        try kv.put("k", ["a": 1])
        kv.clock.advance(seconds: 3)
        let second = Clock.rfc3339(kv.clock.now())
        try kv.put("k", ["a": 2])

        let data = try #require(try kv.call(.read, "metadata/k").data)
        #expect(
            data == [
                "cas_required": false, "created_time": .string(first), "current_version": 2,
                "custom_metadata": .null, "delete_version_after": "0s", "max_versions": 0,
                "oldest_version": 0, "updated_time": .string(second),
                "versions": [
                    "1": ["created_time": .string(first), "deletion_time": "", "destroyed": false],
                    "2": ["created_time": .string(second), "deletion_time": "", "destroyed": false],
                ],
            ])
    }

    @Test func metadataWriteCreatesAKeyWithoutVersionsAndSetsItsFields() throws {
        let kv = KVv2Harness()
        try kv.call(
            .update, "metadata/k",
            ["max_versions": 4, "cas_required": "true", "delete_version_after": "1h30m", "custom_metadata": ["o": "x"]])
        let data = try kv.call(.read, "metadata/k").data
        #expect(data?["current_version"] == 0)
        #expect(data?["max_versions"] == 4)
        #expect(data?["cas_required"] == true)
        #expect(data?["delete_version_after"] == "1h30m0s")
        #expect(data?["custom_metadata"] == ["o": "x"])
        #expect(throws: CofferError.notFound) { try kv.call(.read, "data/k") }

        try kv.put("k", ["a": 1], cas: 0)
        #expect(try kv.call(.read, "data/k").data?["metadata"]?["custom_metadata"] == ["o": "x"])
    }

    @Test func metadataWriteKeepsFieldsItLeavesOutAndReplacesCustomMetadata() throws {
        let kv = KVv2Harness()
        try kv.call(.update, "metadata/k", ["max_versions": 4, "custom_metadata": ["a": "1", "b": "2"]])
        try kv.call(.update, "metadata/k", ["custom_metadata": ["c": "3"]])
        let data = try kv.call(.read, "metadata/k").data
        #expect(data?["max_versions"] == 4)
        #expect(data?["custom_metadata"] == ["c": "3"])
    }

    @Test(
        arguments: [
            ["max_versions": -1], ["max_versions": "many"], ["cas_required": "perhaps"],
            ["delete_version_after": "soon"], ["custom_metadata": "text"], ["custom_metadata": ["a": [1]]],
            ["custom_metadata": ["a": nil]], ["custom_metadata": ["a": ""]], ["custom_metadata": ["a": "bell\u{07}"]],
            ["custom_metadata": .object([String(repeating: "k", count: 129): "v"])],
            ["custom_metadata": ["a": .string(String(repeating: "v", count: 513))]],
        ] as [[String: JSON]])
    func invalidMetadataIsRejectedAndChangesNothing(body: [String: JSON]) throws {
        let kv = KVv2Harness()
        try kv.put("k", ["a": 1])
        #expect(kv.rejection(.update, "metadata/k", body)?.status == 400)
        #expect(kv.rejection(.update, "metadata/new", body)?.status == 400)
    }

    @Test func metadataWriteWithoutSettingsCreatesNothing() throws {
        let kv = KVv2Harness()
        #expect(kv.rejection(.update, "metadata/k", ["unrelated": 1]) == nil)
        #expect(kv.storageKeys.isEmpty)
    }

    @Test func turningOffCheckAndSetThatTheMountDemandsWarns() throws {
        let kv = KVv2Harness()
        try kv.call(.update, "config", ["cas_required": true])
        let response = try kv.call(.update, "metadata/k", ["cas_required": false, "custom_metadata": ["n": 7]])
        #expect(response.warnings.count == 1)
        #expect(try kv.call(.read, "metadata/k").data?["custom_metadata"] == ["n": "7"])
        #expect(kv.rejection(.update, "data/k", ["data": ["a": 1]])?.status == 400)
    }

    @Test func moreThanSixtyFourCustomMetadataKeysAreRejected() {
        let kv = KVv2Harness()
        var members: [String: JSON] = [:]
        for index in 0..<65 { members["k\(index)"] = "v" }
        #expect(kv.rejection(.update, "metadata/k", ["custom_metadata": .object(members)])?.status == 400)
    }

    @Test func metadataPatchMergesCustomMetadataAndKeepsOtherFields() throws {
        let kv = KVv2Harness()
        #expect(kv.rejection(.patch, "metadata/k", ["max_versions": 2]) == .notFound)
        try kv.call(.update, "metadata/k", ["max_versions": 4, "custom_metadata": ["a": "1", "b": "2"]])
        try kv.call(.patch, "metadata/k", ["cas_required": true, "custom_metadata": ["a": nil, "c": "3"]])
        let data = try kv.call(.read, "metadata/k").data
        #expect(data?["custom_metadata"] == ["b": "2", "c": "3"])
        #expect(data?["max_versions"] == 4)
        #expect(data?["cas_required"] == true)
    }

    @Test func metadataDeleteRemovesEveryEntryOfTheKey() throws {
        let kv = KVv2Harness()
        for round in 1...3 { try kv.put("app/k", ["round": .int(Int64(round))]) }
        try kv.call(.update, "destroy/app/k", ["versions": [2]])
        try kv.put("app/other", ["a": 1])
        try kv.call(.delete, "metadata/app/k")

        #expect(kv.storageKeys == ["metadata/app/other", "versions/app/other/1"])
        #expect(throws: CofferError.notFound) { try kv.call(.read, "metadata/app/k") }
        #expect(throws: CofferError.notFound) { try kv.call(.read, "data/app/k") }
        #expect(try kv.put("app/k", ["fresh": true]).data?["version"] == 1)
    }

    @Test func listShowsKeysAndFoldersOfAFolder() throws {
        let kv = KVv2Harness()
        for path in ["a", "b/c", "b/d/e", "b/d/f", "über/ключ"] { try kv.put(path, ["x": 1]) }
        try kv.call(.update, "metadata/only-metadata", ["max_versions": 1])

        #expect(try kv.call(.list, "metadata/").data?["keys"] == ["a", "b/", "only-metadata", "über/"])
        #expect(try kv.call(.list, "metadata").data?["keys"] == ["a", "b/", "only-metadata", "über/"])
        #expect(try kv.call(.list, "metadata/b").data?["keys"] == ["c", "d/"])
        #expect(try kv.call(.list, "metadata/b/d/").data?["keys"] == ["e", "f"])
        #expect(try kv.call(.list, "metadata/über/").data?["keys"] == ["ключ"])
        #expect(throws: CofferError.notFound) { try kv.call(.list, "metadata/none/") }
        #expect(throws: CofferError.notFound) { try KVv2Harness().call(.list, "metadata/") }
    }
}
