import CofferReplication
import CofferStorage
import Synchronization
import Testing

@Suite struct MerkleCommitHookTests {
    @Test(arguments: WALBackend.allCases)
    func rolledBackTransactionLeavesTheIndexUnchanged(backend: WALBackend) throws {
        try backend.withStorage { storage in
            let index = MerkleIndex()
            let hook = RollbackSwitchHook(wrapping: index.hook(storage: storage))
            storage.setCommitHook(hook)
            try storage.put("secret/a", walBytes("a"))
            let before = index.rootHex

            hook.arm(true)
            #expect(throws: StorageError.self) {
                try storage.commit([.put(key: "secret/a", value: walBytes("b")), .put(key: "secret/c", value: [])])
            }
            #expect(index.rootHex == before)

            hook.arm(false)
            try storage.put("secret/a", walBytes("b"))
            #expect(index.rootHex != before)
        }
    }

    @Test func unreadableOldValueMarksTheIndexStaleUntilRebuilt() throws {
        let storage = InMemoryStorage()
        let reads = UnreadableStorage(wrapping: storage)
        let index = MerkleIndex()
        storage.setCommitHook(index.hook(storage: reads))
        try storage.put("secret/a", walBytes("a"))
        #expect(!index.isStale)

        reads.failReads(true)
        try storage.put("secret/b", walBytes("b"))
        #expect(index.isStale)

        try index.rebuild(from: storage)
        #expect(!index.isStale)
        let expected = MerkleIndex()
        expected.update(path: "secret/a", old: nil, new: walBytes("a"))
        expected.update(path: "secret/b", old: nil, new: walBytes("b"))
        #expect(index.rootHex == expected.rootHex)
    }
}

/// A storage whose reads fail on demand; everything else goes to the wrapped storage.
private final class UnreadableStorage: Storage {
    private let wrapped: any Storage
    private let failing = Atomic<Bool>(false)

    func acquireLock(_ name: String, holder: String, value: [UInt8], ttlMilliseconds: Int) throws(StorageError) -> Bool
    {
        try wrapped.acquireLock(name, holder: holder, value: value, ttlMilliseconds: ttlMilliseconds)
    }

    func renewLock(_ name: String, holder: String, ttlMilliseconds: Int) throws(StorageError) -> Bool {
        try wrapped.renewLock(name, holder: holder, ttlMilliseconds: ttlMilliseconds)
    }

    func releaseLock(_ name: String, holder: String) throws(StorageError) {
        try wrapped.releaseLock(name, holder: holder)
    }

    func lockHolder(_ name: String) throws(StorageError) -> LockHolder? {
        try wrapped.lockHolder(name)
    }

    init(wrapping wrapped: any Storage) {
        self.wrapped = wrapped
    }

    /// Makes every later read fail (`true`) or succeed again (`false`).
    func failReads(_ value: Bool) {
        failing.store(value, ordering: .relaxed)
    }

    func get(_ key: String) throws(StorageError) -> [UInt8]? {
        if failing.load(ordering: .relaxed) { throw StorageError(.io, "read refused by the test") }
        return try wrapped.get(key)
    }

    func list(prefix: String) throws(StorageError) -> [String] { try wrapped.list(prefix: prefix) }
    func keys(prefix: String) throws(StorageError) -> [String] { try wrapped.keys(prefix: prefix) }
    func commit(_ operations: [StorageOperation]) throws(StorageError) { try wrapped.commit(operations) }
    func setCommitHook(_ hook: (any StorageCommitHook)?) { wrapped.setCommitHook(hook) }
}
