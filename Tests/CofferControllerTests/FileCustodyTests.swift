import CofferController
import CofferTestSupport
import Foundation
import Testing

@Suite struct FileCustodyTests {
    func keySet(_ id: String, cluster: String = "dc1") -> KeySet {
        KeySet(
            id: id, cluster: cluster, created: "2026-12-03T10:00:00Z", threshold: 2, shares: ["aa", "bb", "cc"],
            rootToken: "hvs.root")
    }

    @Test func keySetsAreWrittenOnceWithPrivateModes() throws {
        let directory = try TemporaryDirectory()
        let custody = FileCustody(path: directory.path("keys"))
        try custody.store(keySet("k1"))
        #expect(try custody.keySets() == [keySet("k1")])
        #expect(Files.mode(directory.path("keys")) == 0o700)
        #expect(Files.mode(directory.path("keys/dc1")) == 0o700)
        #expect(Files.mode(directory.path("keys/dc1/k1.json")) == 0o600)
        var changed = keySet("k1")
        changed.shares = ["dd", "ee", "ff"]
        #expect(throws: ControllerError.self) { try custody.store(changed) }
        #expect(try custody.keySet(id: "k1")?.shares == ["aa", "bb", "cc"], "the first write stays")
    }

    @Test func supersededKeySetsAreKeptAndMarked() throws {
        let directory = try TemporaryDirectory()
        let custody = FileCustody(path: directory.path("keys"))
        try custody.store(keySet("k1", cluster: "dc2"))
        try custody.markSuperseded("k1", cluster: "dc2")
        try custody.markSuperseded("k1", cluster: "dc2")
        let stored = try #require(try custody.keySet(id: "k1"))
        #expect(stored.superseded)
        #expect(stored.shares.count == 3)
    }

    @Test func aMalformedFileIsAnErrorNamingItWithoutItsContent() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path("keys/dc1"), withIntermediateDirectories: true)
        _ = try directory.write("keys/dc1/broken.json", "{\"shares\": [\"secret-share\"]")
        let custody = FileCustody(path: directory.path("keys"))
        let error = try #require(throws: ControllerError.self) { try custody.keySets() }
        #expect(error.reason.contains("broken.json"))
        #expect(!error.reason.contains("secret-share"))
    }

    @Test func journalStepsSurviveAReopen() throws {
        let directory = try TemporaryDirectory()
        let journal = try Journal(directory: directory.path("state"))
        try journal.record("activate", cluster: "dc2", step: "started")
        try journal.record("activate", cluster: "dc2", step: "token-minted")
        let reopened = try Journal(directory: directory.path("state"))
        #expect(reopened.pending("activate", cluster: "dc2")?.step == "token-minted")
        try reopened.finish("activate", cluster: "dc2")
        #expect(try Journal(directory: directory.path("state")).pending.isEmpty)
    }

    @Test func aSecondControllerCannotTakeTheLock() throws {
        let directory = try TemporaryDirectory()
        let first = try FileLock(path: directory.path("lock"))
        #expect(throws: ControllerError.self) { _ = try FileLock(path: directory.path("lock")) }
        first.release()
        _ = try FileLock(path: directory.path("lock"))
    }
}
