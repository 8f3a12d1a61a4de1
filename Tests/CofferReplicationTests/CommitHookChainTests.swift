import CofferReplication
import CofferStorage
import Synchronization
import Testing

@Suite struct CommitHookChainTests {
    @Test(arguments: WALBackend.allCases)
    func everyHookSeesTheBatchesAndTheirOperationsCommitTogether(backend: WALBackend) throws {
        try backend.withStorage { storage in
            let first = TaggingHook(tag: "first")
            let second = TaggingHook(tag: "second")
            storage.setCommitHook(CommitHookChain([first, second]))
            try storage.put("secret/a", walBytes("a"))

            #expect(try storage.get("local/first") == walBytes("1"))
            #expect(try storage.get("local/second") == walBytes("1"))
            #expect(first.events == ["batches 1 ops 1", "committed"])
            #expect(second.events == ["batches 1 ops 1", "committed"])
        }
    }

    @Test func everyHookLearnsOfARollback() throws {
        let storage = InMemoryStorage()
        let first = TaggingHook(tag: "first")
        let failing = TaggingHook(tag: "")
        storage.setCommitHook(CommitHookChain([first, failing]))
        #expect(throws: StorageError.self) { try storage.put("secret/a", walBytes("a")) }
        #expect(first.events == ["batches 1 ops 1", "rolled back"])
        #expect(failing.events == ["batches 1 ops 1", "rolled back"])
        #expect(try storage.get("local/first") == nil)
    }
}

/// A hook that writes `local/<tag>` with each transaction and logs what it saw; an empty tag makes the
/// storage reject the transaction.
private final class TaggingHook: StorageCommitHook {
    private let tag: String
    private let log = Mutex<[String]>([])

    init(tag: String) {
        self.tag = tag
    }

    var events: [String] { log.withLock { $0 } }

    func operations(forTransaction batches: [[StorageOperation]]) -> [StorageOperation] {
        log.withLock { $0.append("batches \(batches.count) ops \(batches.joined().count)") }
        return [.put(key: tag.isEmpty ? "" : "local/\(tag)", value: walBytes("1"))]
    }

    func transactionFinished(committed: Bool) {
        log.withLock { $0.append(committed ? "committed" : "rolled back") }
    }
}
