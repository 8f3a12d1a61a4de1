import CofferBase
import Testing

@testable import CofferCore

@Suite struct KVv2BackendTests {
    @Test func writeAnswersVersionMetadataAndReadReturnsTheData() throws {
        let kv = KVv2Harness()
        let written = try kv.put("app/db", ["user": "admin", "port": 5432])
        let created = Clock.rfc3339(kv.clock.now())
        #expect(written.status == nil)
        #expect(
            written.data == [
                "created_time": .string(created), "custom_metadata": .null, "deletion_time": "",
                "destroyed": false, "version": 1,
            ])

        let read = try kv.call(.read, "data/app/db")
        #expect(read.data?["data"] == ["user": "admin", "port": 5432])
        #expect(read.data?["metadata"] == written.data.map(JSON.object))
    }

    @Test func eachWriteCreatesTheNextVersionAndOldOnesStayReadable() throws {
        let kv = KVv2Harness()
        for round in 1...3 {
            let response = try kv.put("k", ["round": .int(Int64(round))])
            #expect(response.data?["version"] == .int(Int64(round)))
        }
        #expect(try kv.call(.read, "data/k").data?["data"] == ["round": 3])
        #expect(try kv.call(.read, "data/k", ["version": "2"]).data?["data"] == ["round": 2])
        #expect(try kv.call(.read, "data/k", ["version": "1"]).data?["metadata"]?["version"] == 1)
    }

    @Test func readOfUnknownKeyOrVersionIsAnEmptyNotFound() throws {
        let kv = KVv2Harness()
        #expect(throws: CofferError.notFound) { try kv.call(.read, "data/missing") }
        try kv.put("k", ["a": 1])
        #expect(throws: CofferError.notFound) { try kv.call(.read, "data/k", ["version": "7"]) }
        #expect(kv.rejection(.read, "data/k", ["version": "two"])?.status == 400)
    }

    @Test(
        arguments: [
            [:], ["data": .null], ["data": "text"], ["data": [1, 2]],
            ["data": ["a": 1], "options": "cas"], ["data": ["a": 1], "options": ["cas": -1]],
        ] as [[String: JSON]])
    func writeWithoutAnObjectOrWithBadOptionsChangesNothing(body: [String: JSON]) throws {
        let kv = KVv2Harness()
        try kv.put("k", ["a": 1])
        #expect(kv.rejection(.update, "data/k", body)?.status == 400)
        #expect(kv.rejection(.create, "data/new", body)?.status == 400)
    }

    @Test func checkAndSetAcceptsOnlyTheCurrentVersion() throws {
        let kv = KVv2Harness()
        try kv.put("k", ["a": 1], cas: 0)
        let mismatch = kv.rejection(.update, "data/k", ["data": ["a": 2], "options": ["cas": 0]])
        #expect(mismatch == .badRequest("check-and-set parameter did not match the current version"))
        #expect(try kv.put("k", ["a": 2], cas: 1).data?["version"] == 2)
    }

    @Test func checkAndSetRequiredByTheMountRefusesWritesWithoutIt() throws {
        let kv = KVv2Harness()
        try kv.call(.update, "config", ["cas_required": true])
        let refused = kv.rejection(.create, "data/k", ["data": ["a": 1]])
        #expect(refused == .badRequest("check-and-set parameter required for this call"))
        #expect(try kv.put("k", ["a": 1], cas: 0).data?["version"] == 1)
    }

    @Test func checkAndSetRequiredByTheKeyRefusesWritesWithoutIt() throws {
        let kv = KVv2Harness()
        try kv.put("k", ["a": 1])
        try kv.call(.update, "metadata/k", ["cas_required": true])
        #expect(kv.rejection(.update, "data/k", ["data": ["a": 2]])?.status == 400)
        #expect(try kv.put("other", ["a": 2]).data?["version"] == 1)
        #expect(try kv.put("k", ["a": 2], cas: 1).data?["version"] == 2)
    }

    @Test func versionsBeyondTheMountLimitAreRemovedWithTheirData() throws {
        let kv = KVv2Harness()
        try kv.call(.update, "config", ["max_versions": 2])
        for round in 1...4 { try kv.put("k", ["round": .int(Int64(round))]) }

        #expect(throws: CofferError.notFound) { try kv.call(.read, "data/k", ["version": "2"]) }
        #expect(try kv.call(.read, "data/k", ["version": "3"]).data?["data"] == ["round": 3])
        #expect(kv.storageKeys.filter { $0.hasPrefix("versions/") } == ["versions/k/3", "versions/k/4"])
        let metadata = try kv.call(.read, "metadata/k").data
        #expect(metadata?["oldest_version"] == 3)
        #expect(metadata?["versions"]?.objectValue?.keys.sorted() == ["3", "4"])
    }

    @Test func theKeyLimitOverridesTheMountLimit() throws {
        let kv = KVv2Harness()
        try kv.call(.update, "config", ["max_versions": 5])
        try kv.call(.update, "metadata/k", ["max_versions": 1])
        for round in 1...3 { try kv.put("k", ["round": .int(Int64(round))]) }
        #expect(kv.storageKeys.filter { $0.hasPrefix("versions/") } == ["versions/k/3"])
    }

    @Test func concurrentWritersEachGetTheirOwnVersion() async throws {
        let kv = KVv2Harness()
        let versions = try await withThrowingTaskGroup(of: [JSON].self) { group in
            for writer in 0..<4 {
                group.addTask {
                    var seen: [JSON] = []
                    for round in 0..<25 {
                        let response = try kv.put("k", ["w": .int(Int64(writer)), "r": .int(Int64(round))])
                        seen.append(response.data?["version"] ?? .null)
                    }
                    return seen
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(versions.compactMap(\.intValue).sorted() == Array(1...100))
        #expect(try kv.call(.read, "metadata/k").data?["current_version"] == 100)
    }

    @Test func theDefaultLimitKeepsTenVersions() throws {
        let kv = KVv2Harness()
        for round in 1...9 { try kv.put("k", ["round": .int(Int64(round))]) }
        #expect(try kv.call(.read, "metadata/k").data?["oldest_version"] == 0)
        try kv.put("k", ["round": 10])
        #expect(try kv.call(.read, "metadata/k").data?["oldest_version"] == 1)
        for round in 11...12 { try kv.put("k", ["round": .int(Int64(round))]) }
        let metadata = try kv.call(.read, "metadata/k").data
        #expect(metadata?["oldest_version"] == 3)
        let versions = metadata?["versions"]?.objectValue
        #expect(versions?.count == 10)
        #expect(versions?["2"] == nil)
        #expect(versions?["3"] != nil)
    }

    @Test func patchMergesIntoTheLatestVersionAsANewVersion() throws {
        let kv = KVv2Harness()
        try kv.put("k", ["keep": "x", "drop": "y", "nested": ["a": 1, "b": 2], "list": [1, 2]])
        let patched = try kv.call(
            .patch, "data/k", ["data": ["drop": nil, "nested": ["b": nil, "c": 3], "list": [3], "new": true]])
        #expect(patched.data?["version"] == 2)
        let read = try kv.call(.read, "data/k").data?["data"]
        #expect(read == ["keep": "x", "nested": ["a": 1, "c": 3], "list": [3], "new": true])
        #expect(try kv.call(.read, "data/k", ["version": "1"]).data?["data"]?["drop"] == "y")
    }

    @Test func patchNeedsALiveLatestVersionAndHonoursCheckAndSet() throws {
        let kv = KVv2Harness()
        #expect(kv.rejection(.patch, "data/k", ["data": ["a": 1]]) == .notFound)
        try kv.put("k", ["a": 1])
        #expect(kv.rejection(.patch, "data/k", ["data": ["a": 2], "options": ["cas": 5]])?.status == 400)
        #expect(kv.rejection(.patch, "data/k", ["data": "a"])?.status == 400)
        try kv.call(.delete, "data/k")
        let before = kv.store.snapshot
        let deleted = try kv.call(.patch, "data/k", ["data": ["a": 2]])
        #expect(deleted.status == 404)
        #expect(deleted.data?["version"] == 1)
        #expect(deleted.data?["deletion_time"] != "")
        #expect(kv.store.snapshot == before)
    }

    @Test(arguments: ["data/", "data/a//b", "data/../b", "data/a/..", "data//a", "metadata/a/../b"])
    func malformedPathsAreRejected(path: String) throws {
        let kv = KVv2Harness()
        try kv.put("a", ["x": 1])
        #expect(kv.rejection(.update, path, ["data": ["x": 2]])?.status == 400)
        #expect(kv.rejection(.read, path)?.status == 400)
    }

    @Test func unknownPathsAndOperationsAreRefused() throws {
        let kv = KVv2Harness()
        let unknown = kv.rejection(.read, "secrets/a")
        #expect(unknown == .unsupportedPath("secret/secrets/a"))
        #expect(kv.rejection(.list, "data/a") == .unsupportedOperation)
        #expect(kv.rejection(.read, "destroy/a") == .unsupportedOperation)
        #expect(kv.rejection(.delete, "config") == .unsupportedOperation)
        #expect(kv.rejection(.update, "subkeys/a", ["x": 1]) == .unsupportedOperation)
    }

    @Test func existsFollowsVersionsForDataAndMetadataForMetadata() throws {
        let kv = KVv2Harness()
        #expect(try kv.exists("data/k") == false)
        #expect(try kv.exists("metadata/k") == false)
        #expect(try kv.exists("config") == true)
        #expect(try kv.exists("destroy/k") == nil)

        try kv.call(.update, "metadata/k", ["max_versions": 3])
        #expect(try kv.exists("data/k") == false)
        #expect(try kv.exists("metadata/k") == true)
        try kv.put("k", ["a": 1])
        #expect(try kv.exists("data/k") == true)
        #expect(try kv.exists("data/../k") == false)
    }

    @Test func subkeysShowTheShapeWithNullLeavesToTheRequestedDepth() throws {
        let kv = KVv2Harness()
        try kv.put("k", ["a": "1", "b": ["c": "2", "d": ["e": "3"]], "f": [1], "g": [:]])
        let full = try kv.call(.read, "subkeys/k").data
        #expect(full?["subkeys"] == ["a": nil, "b": ["c": nil, "d": ["e": nil]], "f": nil, "g": nil])
        #expect(full?["metadata"]?["version"] == 1)
        let shallow = try kv.call(.read, "subkeys/k", ["depth": "2"]).data
        #expect(shallow?["subkeys"] == ["a": nil, "b": ["c": nil, "d": nil], "f": nil, "g": nil])

        try kv.call(.delete, "data/k")
        let deleted = try kv.call(.read, "subkeys/k")
        #expect(deleted.status == 404)
        #expect(deleted.data?["subkeys"] == .null)
    }
}
