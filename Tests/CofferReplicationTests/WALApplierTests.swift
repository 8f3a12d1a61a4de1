import CofferReplication
import CofferStorage
import Synchronization
import Testing

@Suite struct WALApplierTests {
    private let first = WALRecord(index: 1, operations: [.put(key: "secret/a", value: walBytes("a1"))])
    private let second = WALRecord(
        index: 2, operations: [.put(key: "secret/b", value: walBytes("b2")), .delete(key: "secret/a")])
    private let third = WALRecord(index: 3, operations: [.put(key: "sys/policy/p", value: walBytes("p3"))])

    @Test(arguments: WALBackend.allCases)
    func appliesRecordsInOrderWithTheirIndexInOneTransaction(backend: WALBackend) throws {
        try backend.withStorage { storage in
            let applier = try WALApplier(storage: storage)
            try applier.apply([first, second])

            #expect(applier.lastRemoteIndex == 2)
            #expect(try storage.get("secret/a") == nil)
            #expect(try storage.get("secret/b") == walBytes("b2"))
            #expect(try storage.get("local/replication/last-remote-wal") == walCounter(2))
        }
    }

    @Test func lastRemoteIndexSurvivesReopening() throws {
        let directory = try WALTestDirectory()
        try WALApplier(storage: try directory.openStorage()).apply([first, second])
        let reopened = try WALApplier(storage: try directory.openStorage())
        #expect(reopened.lastRemoteIndex == 2)
        try reopened.apply([third])
        #expect(reopened.lastRemoteIndex == 3)
    }

    @Test(arguments: WALBackend.allCases)
    func recordAfterAGapIsRefusedAndNothingIsApplied(backend: WALBackend) throws {
        try backend.withStorage { storage in
            let applier = try WALApplier(storage: storage)
            try applier.apply([first])
            #expect(throws: WALError(.gap, "expected WAL record 2, received 3")) { try applier.apply([third]) }
            #expect(throws: WALError.self) { try applier.apply([second, WALRecord(index: 4, operations: [])]) }

            #expect(applier.lastRemoteIndex == 1)
            #expect(try storage.get("secret/b") == nil)
            #expect(try storage.get("sys/policy/p") == nil)
        }
    }

    @Test(arguments: WALBackend.allCases)
    func duplicateRecordsAreSkipped(backend: WALBackend) throws {
        try backend.withStorage { storage in
            let applier = try WALApplier(storage: storage)
            let observed = Mutex<[UInt64]>([])
            applier.addObserver { record in observed.withLock { $0.append(record.index) } }
            try applier.apply([first, second])
            let replayedFirst = WALRecord(index: 1, operations: [.put(key: "secret/a", value: walBytes("changed"))])
            try applier.apply([replayedFirst, second, third])
            try applier.apply([second])

            #expect(applier.lastRemoteIndex == 3)
            #expect(try storage.get("secret/a") == nil)
            #expect(try storage.get("sys/policy/p") == walBytes("p3"))
            #expect(observed.withLock { $0 } == [1, 2, 3])
        }
    }

    @Test(arguments: [
        StorageOperation.put(key: "local/tokens/root", value: walBytes("evil")),
        StorageOperation.delete(key: "local/tokens/root"),
        StorageOperation.put(key: "local/replication/last-remote-wal", value: walCounter(99)),
    ])
    func recordTouchingALocalKeyIsRefusedAndNothingIsApplied(operation: StorageOperation) throws {
        let storage = InMemoryStorage()
        try storage.put("local/tokens/root", walBytes("mine"))
        let applier = try WALApplier(storage: storage)
        let hostile = WALRecord(index: 2, operations: [.put(key: "secret/z", value: walBytes("z")), operation])

        let error = #expect(throws: WALError.self) { try applier.apply([first, hostile]) }
        #expect(error?.code == .localKey)
        #expect(applier.lastRemoteIndex == 0)
        #expect(try storage.get("secret/a") == nil)
        #expect(try storage.get("secret/z") == nil)
        #expect(try storage.get("local/tokens/root") == walBytes("mine"))
    }

    @Test func settingTheIndexAfterASyncResumesStreamingFromThere() throws {
        let storage = InMemoryStorage()
        let applier = try WALApplier(storage: storage)
        try applier.setLastRemoteIndex(2)
        #expect(try storage.get("local/replication/last-remote-wal") == walCounter(2))
        try applier.apply([first])
        #expect(try storage.get("secret/a") == nil)
        try applier.apply([third])
        #expect(applier.lastRemoteIndex == 3)
    }

    @Test func waitForIndexReportsWhetherTheIndexWasReached() throws {
        let applier = try WALApplier(storage: InMemoryStorage())
        #expect(!applier.waitForIndex(1, timeoutMilliseconds: 10))
        try applier.apply([first])
        #expect(applier.waitForIndex(1, timeoutMilliseconds: 0))
    }
}
