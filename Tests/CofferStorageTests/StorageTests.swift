import CofferStorage
import Synchronization
import Testing

/// Behaviour every `Storage` backend must share.
@Suite struct StorageTests {
    @Test(arguments: Backend.allCases)
    func putThenGetReturnsTheValueAndDeleteRemovesIt(backend: Backend) throws {
        try backend.withStorage { (storage) throws in
            #expect(try storage.get("k") == nil)

            try storage.put("k", bytes("one"))
            #expect(try storage.get("k") == bytes("one"))

            try storage.put("k", bytes("two"))
            #expect(try storage.get("k") == bytes("two"))

            try storage.delete("k")
            #expect(try storage.get("k") == nil)
            try storage.delete("k")
        }
    }

    @Test(arguments: Backend.allCases)
    func emptyValueRoundTripsAsEmptyNotMissing(backend: Backend) throws {
        try backend.withStorage { (storage) throws in
            try storage.put("empty", [])
            #expect(try storage.get("empty") == [])
        }
    }

    @Test(arguments: Backend.allCases)
    func binaryValuesRoundTripUnchanged(backend: Backend) throws {
        try backend.withStorage { (storage) throws in
            let value: [UInt8] = [0, 255, 0, 1, 128, 0]
            try storage.put("binary", value)
            #expect(try storage.get("binary") == value)
        }
    }

    @Test(arguments: Backend.allCases)
    func listFoldsDeeperKeysIntoFolders(backend: Backend) throws {
        try backend.withStorage { (storage) throws in
            try storage.commit(["a", "b/c", "b/d/e", "bb"].map { .put(key: $0, value: bytes($0)) })

            #expect(try storage.list(prefix: "") == ["a", "b/", "bb"])
            #expect(try storage.list(prefix: "b/") == ["c", "d/"])
            #expect(try storage.list(prefix: "b/d/") == ["e"])
            #expect(try storage.list(prefix: "missing/") == [])
        }
    }

    @Test(arguments: Backend.allCases)
    func listShowsAKeyAndAFolderOfTheSameNameOnceEach(backend: Backend) throws {
        try backend.withStorage { (storage) throws in
            let keys = ["x/n", "x/n/1", "x/n/2", "x/n/deep/3", "x/m", "x/n0", "x/n.txt"]
            try storage.commit(keys.map { .put(key: $0, value: []) })

            #expect(try storage.list(prefix: "x/") == ["m", "n", "n.txt", "n/", "n0"])
        }
    }

    @Test(arguments: Backend.allCases)
    func keysReturnsFullKeysUnderThePrefixInOrder(backend: Backend) throws {
        try backend.withStorage { (storage) throws in
            try storage.commit(["bb", "b/d/e", "a", "b/c", "c"].map { .put(key: $0, value: []) })

            #expect(try storage.keys(prefix: "") == ["a", "b/c", "b/d/e", "bb", "c"])
            #expect(try storage.keys(prefix: "b") == ["b/c", "b/d/e", "bb"])
            #expect(try storage.keys(prefix: "b/") == ["b/c", "b/d/e"])
            #expect(try storage.keys(prefix: "d") == [])
        }
    }

    @Test(arguments: Backend.allCases)
    func keysAreOrderedByUTF8BytesAndKeptApartByBytes(backend: Backend) throws {
        try backend.withStorage { (storage) throws in
            let composed = "k/\u{E9}"
            let decomposed = "k/e\u{301}"
            try storage.commit([
                .put(key: composed, value: [1]), .put(key: decomposed, value: [2]), .put(key: "k/z", value: []),
            ])

            #expect(try storage.get(composed) == [1])
            #expect(try storage.get(decomposed) == [2])
            #expect(
                try storage.keys(prefix: "k/").map { Array($0.utf8) }
                    == [decomposed, "k/z", composed].map { Array($0.utf8) })
        }
    }

    @Test(arguments: Backend.allCases)
    func prefixEndingInAnyCharacterMatchesExactlyTheKeysThatStartWithIt(backend: Backend) throws {
        try backend.withStorage { (storage) throws in
            let keys = ["a\u{7F}", "a\u{7F}/x", "a\u{7F}\u{10FFFF}", "a\u{80}", "a\u{10FFFF}", "b"]
            try storage.commit(keys.map { .put(key: $0, value: []) })

            #expect(try storage.keys(prefix: "a\u{7F}") == ["a\u{7F}", "a\u{7F}/x", "a\u{7F}\u{10FFFF}"])
            #expect(try storage.keys(prefix: "a\u{10FFFF}") == ["a\u{10FFFF}"])
            #expect(try storage.list(prefix: "a\u{7F}/") == ["x"])
        }
    }

    @Test(arguments: Backend.allCases)
    func batchAppliesItsOperationsInOrder(backend: Backend) throws {
        try backend.withStorage { (storage) throws in
            try storage.put("gone", [1])
            try storage.commit([
                .put(key: "k", value: [1]), .put(key: "k", value: [2]), .delete(key: "gone"),
                .put(key: "new", value: [3]),
            ])

            #expect(try storage.get("k") == [2])
            #expect(try storage.get("gone") == nil)
            #expect(try storage.get("new") == [3])
        }
    }

    @Test(arguments: Backend.allCases)
    func batchWithAnInvalidOperationAppliesNothing(backend: Backend) throws {
        try backend.withStorage { (storage) throws in
            let error = #expect(throws: StorageError.self) {
                try storage.commit([.put(key: "first", value: [1]), .put(key: "", value: [2])])
            }
            #expect(error?.code == .invalidArgument)
            #expect(try storage.get("first") == nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func hookOperationsCommitWithTheBatchInCommitOrder(backend: Backend) throws {
        try backend.withStorage { (storage) throws in
            let hook = RecordingHook()
            storage.setCommitHook(hook)

            let first: [StorageOperation] = [.put(key: "a", value: [1]), .put(key: "b", value: [2])]
            let second: [StorageOperation] = [.delete(key: "a")]
            try storage.commit(first)
            try storage.commit(second)

            #expect(hook.events == [.operations([first]), .finished(true), .operations([second]), .finished(true)])
            #expect(try storage.get("wal/1") == bytes("1"))
            #expect(try storage.get("wal/2") == bytes("2"))
            #expect(try storage.keys(prefix: "") == ["b", "wal/1", "wal/2"])
        }
    }

    @Test(arguments: Backend.allCases)
    func failingHookOperationRollsBackTheWholeTransaction(backend: Backend) throws {
        try backend.withStorage { (storage) throws in
            try storage.put("kept", [0])
            let hook = RecordingHook { index in
                [.put(key: "wal/\(index)", value: [1]), .put(key: "", value: [2])]
            }
            storage.setCommitHook(hook)

            let batch: [StorageOperation] = [.put(key: "lost", value: [1]), .delete(key: "kept")]
            #expect(throws: StorageError.self) { try storage.commit(batch) }

            #expect(hook.events == [.operations([batch]), .finished(false)])
            #expect(try storage.get("lost") == nil)
            #expect(try storage.get("kept") == [0])
            #expect(try storage.get("wal/1") == nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func removedHookIsNoLongerCalled(backend: Backend) throws {
        try backend.withStorage { (storage) throws in
            let hook = RecordingHook()
            storage.setCommitHook(hook)
            try storage.put("one", [1])
            storage.setCommitHook(nil)
            try storage.put("two", [2])

            #expect(hook.events.count == 2)
            #expect(try storage.keys(prefix: "wal/") == ["wal/1"])
        }
    }

    @Test(arguments: Backend.allCases)
    func hookMayReadTheStorageWhileTheCommitIsSerialized(backend: Backend) throws {
        try backend.withStorage { (storage) throws in
            try storage.put("before", [7])
            let seen = ReadsFromHook(storage: storage)
            storage.setCommitHook(seen)

            try storage.put("after", [8])
            storage.setCommitHook(nil)

            #expect(seen.values == [[7]])
        }
    }

    @Test(arguments: Backend.allCases)
    func concurrentCommitsFromManyThreadsAllLandAndHookCallsStaySerialized(backend: Backend) throws {
        try backend.withStorage { (storage) throws in
            let hook = RecordingHook()
            storage.setCommitHook(hook)

            runOnThreads(4) { thread in
                for index in 0..<25 {
                    try? storage.commit([.put(key: "t\(thread)/\(index)", value: [UInt8(thread), UInt8(index)])])
                }
            }

            #expect(try storage.keys(prefix: "t").count == 100)
            #expect(try storage.get("t3/24") == [3, 24])
            #expect(hook.callsAlternate)
            let transactions = hook.events.filter { $0 == .finished(true) }.count
            #expect(try storage.keys(prefix: "wal/").count == transactions)
        }
    }
}

/// A hook that reads a key of the storage it observes, from inside the commit serialization.
private final class ReadsFromHook: StorageCommitHook {
    private let storage: any Storage
    private let seen = Mutex<[[UInt8]?]>([])

    /// A hook that will read from `storage`.
    init(storage: any Storage) {
        self.storage = storage
    }

    /// The values read, one per transaction.
    var values: [[UInt8]?] { seen.withLock { $0 } }

    /// Reads `before` and lists the root, adding nothing to the transaction.
    func operations(forTransaction batches: [[StorageOperation]]) -> [StorageOperation] {
        let value = try? storage.get("before")
        seen.withLock { $0.append(value ?? nil) }
        _ = try? storage.list(prefix: "")
        return []
    }

    /// Ignores the outcome.
    func transactionFinished(committed: Bool) {}
}
