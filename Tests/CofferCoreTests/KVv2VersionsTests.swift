import CofferBase
import Testing

@testable import CofferCore

@Suite struct KVv2VersionsTests {
    @Test func deletingDataSoftDeletesTheLatestVersionOnly() throws {
        let kv = KVv2Harness()
        try kv.put("k", ["a": 1])
        try kv.put("k", ["a": 2])
        kv.clock.advance(seconds: 5)
        let deletion = Clock.rfc3339(kv.clock.now())
        #expect(try kv.call(.delete, "data/k").data == nil)

        let read = try kv.call(.read, "data/k")
        #expect(read.status == 404)
        #expect(read.data?["data"] == .null)
        #expect(read.data?["metadata"]?["deletion_time"] == .string(deletion))
        #expect(read.data?["metadata"]?["version"] == 2)
        #expect(try kv.call(.read, "data/k", ["version": "1"]).data?["data"] == ["a": 1])
        #expect(kv.storageKeys.contains("versions/k/2"))
    }

    @Test func deleteAndUndeleteNamedVersions() throws {
        let kv = KVv2Harness()
        for round in 1...3 { try kv.put("k", ["round": .int(Int64(round))]) }
        try kv.call(.update, "delete/k", ["versions": [1, 3]])
        #expect(try kv.call(.read, "data/k", ["version": "1"]).status == 404)
        #expect(try kv.call(.read, "data/k", ["version": "2"]).status == nil)
        #expect(try kv.call(.read, "data/k").status == 404)

        try kv.call(.update, "undelete/k", ["versions": ["3"]])
        let restored = try kv.call(.read, "data/k")
        #expect(restored.status == nil)
        #expect(restored.data?["data"] == ["round": 3])
        #expect(restored.data?["metadata"]?["deletion_time"] == "")
        #expect(try kv.call(.read, "data/k", ["version": "1"]).status == 404)
    }

    @Test func destroyRemovesTheDataForGood() throws {
        let kv = KVv2Harness()
        try kv.put("k", ["a": 1])
        try kv.put("k", ["a": 2])
        try kv.call(.update, "destroy/k", ["versions": "1"])

        #expect(!kv.storageKeys.contains("versions/k/1"))
        let read = try kv.call(.read, "data/k", ["version": "1"])
        #expect(read.status == 404)
        #expect(read.data?["metadata"]?["destroyed"] == true)
        try kv.call(.update, "undelete/k", ["versions": [1]])
        #expect(try kv.call(.read, "data/k", ["version": "1"]).status == 404)
        #expect(try kv.call(.read, "data/k").data?["data"] == ["a": 2])
    }

    @Test(arguments: ["delete/k", "undelete/k", "destroy/k"])
    func versionChangesNeedVersionNumbers(path: String) throws {
        let kv = KVv2Harness()
        try kv.put("k", ["a": 1])
        #expect(kv.rejection(.update, path) == .badRequest("No version number provided"))
        #expect(kv.rejection(.update, path, ["versions": []])?.status == 400)
        #expect(kv.rejection(.update, path, ["versions": ["one"]])?.status == 400)
        #expect(kv.rejection(.update, path, ["versions": [1, ["x": 1]]])?.status == 400)
    }

    @Test func versionChangesOnUnknownKeysOrVersionsChangeNothing() throws {
        let kv = KVv2Harness()
        try kv.put("k", ["a": 1])
        #expect(kv.rejection(.update, "destroy/k", ["versions": [9]]) == nil)
        #expect(kv.rejection(.update, "delete/missing", ["versions": [1]]) == nil)
        #expect(kv.rejection(.delete, "data/missing") == nil)
    }

    @Test func versionsExpireAfterTheMountsDeleteVersionAfter() throws {
        let kv = KVv2Harness()
        try kv.call(.update, "config", ["delete_version_after": "1m"])
        let written = try kv.put("k", ["a": 1])
        let expiry = Clock.rfc3339(kv.clock.now().adding(seconds: 60))
        #expect(written.data?["deletion_time"] == .string(expiry))
        #expect(try kv.call(.read, "data/k").data?["data"] == ["a": 1])

        kv.clock.advance(seconds: 61)
        let expired = try kv.call(.read, "data/k")
        #expect(expired.status == 404)
        #expect(expired.data?["metadata"]?["deletion_time"] == .string(expiry))
    }

    @Test func undeleteRestartsTheDeleteVersionAfterClock() throws {
        let kv = KVv2Harness()
        try kv.call(.update, "config", ["delete_version_after": "1m"])
        try kv.put("k", ["a": 1])
        kv.clock.advance(seconds: 90)
        #expect(try kv.call(.read, "data/k").status == 404)

        try kv.call(.update, "undelete/k", ["versions": [1]])
        let restored = try kv.call(.read, "data/k")
        #expect(restored.data?["data"] == ["a": 1])
        #expect(
            restored.data?["metadata"]?["deletion_time"] == .string(Clock.rfc3339(kv.clock.now().adding(seconds: 60))))
    }

    @Test func theKeysDeleteVersionAfterOverridesTheMounts() throws {
        let kv = KVv2Harness()
        try kv.call(.update, "config", ["delete_version_after": "1h"])
        try kv.call(.update, "metadata/k", ["delete_version_after": 10])
        try kv.put("k", ["a": 1])
        kv.clock.advance(seconds: 11)
        #expect(try kv.call(.read, "data/k").status == 404)
    }
}
