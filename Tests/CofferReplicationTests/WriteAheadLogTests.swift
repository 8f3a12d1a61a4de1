import CofferReplication
import CofferStorage
import Foundation
import Synchronization
import Testing

@Suite struct WriteAheadLogTests {
    private static let unlimited = Int.max

    private func allRecords(_ wal: WriteAheadLog, after index: UInt64 = 0) throws -> [WALRecord] {
        guard case .records(let records) = try wal.records(after: index, maxCount: Self.unlimited, maxBytes: 1 << 30)
        else {
            Issue.record("records after \(index) are unavailable")
            return []
        }
        return records
    }

    @Test(arguments: WALBackend.allCases)
    func replicatedTransactionsGetConsecutiveIndexesInTheSameTransaction(backend: WALBackend) throws {
        try backend.withStorage { storage in
            let wal = try WriteAheadLog(storage: storage)
            storage.setCommitHook(wal)
            try storage.put("secret/a", walBytes("1"))
            try storage.commit([.put(key: "secret/b", value: walBytes("2")), .delete(key: "secret/a")])

            #expect(wal.lastIndex == 2)
            #expect(
                try allRecords(wal) == [
                    WALRecord(index: 1, operations: [.put(key: "secret/a", value: walBytes("1"))]),
                    WALRecord(
                        index: 2,
                        operations: [.put(key: "secret/b", value: walBytes("2")), .delete(key: "secret/a")]),
                ])
            let stored = try #require(try storage.get(walRecordKey(2)))
            #expect(try WALRecord.decode(stored).index == 2)
            #expect(try storage.get("local/replication/last-wal") == walCounter(2))
        }
    }

    @Test(arguments: WALBackend.allCases)
    func localOperationsAreLeftOutAndLocalOnlyTransactionsGetNoIndex(backend: WALBackend) throws {
        try backend.withStorage { storage in
            let wal = try WriteAheadLog(storage: storage)
            storage.setCommitHook(wal)
            try storage.put("local/tokens/abc", walBytes("token"))
            #expect(wal.lastIndex == 0)

            try storage.commit([
                .put(key: "local/leases/x", value: walBytes("lease")), .put(key: "sys/policy/p", value: walBytes("p")),
            ])
            #expect(wal.lastIndex == 1)
            #expect(
                try allRecords(wal) == [
                    WALRecord(index: 1, operations: [.put(key: "sys/policy/p", value: walBytes("p"))])
                ])
        }
    }

    @Test func indexesAndWindowSurviveReopening() throws {
        let directory = try WALTestDirectory()
        do {
            let storage = try directory.openStorage()
            let wal = try WriteAheadLog(storage: storage, maxRecords: 2)
            storage.setCommitHook(wal)
            for number in 1...3 {
                try storage.put("secret/\(number)", walBytes("v\(number)"))
            }
            storage.setCommitHook(nil)
        }
        let storage = try directory.openStorage()
        let wal = try WriteAheadLog(storage: storage, maxRecords: 2)
        storage.setCommitHook(wal)
        #expect(wal.lastIndex == 3)
        #expect(wal.firstRetainedIndex == 2)

        try storage.put("secret/4", walBytes("v4"))
        #expect(wal.lastIndex == 4)
        #expect(try allRecords(wal, after: 2).map(\.index) == [3, 4])
        #expect(try wal.records(after: 1, maxCount: 10, maxBytes: 1 << 20) == .unavailable)
    }

    @Test(arguments: WALBackend.allCases)
    func rolledBackTransactionDoesNotConsumeAnIndex(backend: WALBackend) throws {
        try backend.withStorage { storage in
            let wal = try WriteAheadLog(storage: storage)
            let observed = Mutex<[UInt64]>([])
            wal.addObserver { record in observed.withLock { $0.append(record.index) } }
            let hook = RollbackSwitchHook(wrapping: wal)
            storage.setCommitHook(hook)
            try storage.put("secret/a", walBytes("a"))

            hook.arm(true)
            #expect(throws: StorageError.self) { try storage.put("secret/b", walBytes("b")) }
            hook.arm(false)
            #expect(wal.lastIndex == 1)
            #expect(try storage.get(walRecordKey(2)) == nil)

            try storage.put("secret/c", walBytes("c"))
            #expect(wal.lastIndex == 2)
            #expect(
                try allRecords(wal, after: 1) == [
                    WALRecord(index: 2, operations: [.put(key: "secret/c", value: walBytes("c"))])
                ])
            #expect(try storage.get("secret/b") == nil)
            #expect(observed.withLock { $0 } == [1, 2])
        }
    }

    @Test(arguments: WALBackend.allCases)
    func retentionByCountDeletesTheOldestAndReportsTheGap(backend: WALBackend) throws {
        try backend.withStorage { storage in
            let wal = try WriteAheadLog(storage: storage, maxRecords: 3)
            storage.setCommitHook(wal)
            for number in 1...5 {
                try storage.put("secret/\(number)", walBytes("v"))
            }

            #expect(wal.firstRetainedIndex == 3)
            #expect(try storage.keys(prefix: "local/replication/wal/") == (3...5).map(walRecordKey))
            #expect(try storage.get("local/replication/wal-first") == walCounter(3))
            #expect(try wal.records(after: 0, maxCount: 10, maxBytes: 1 << 20) == .unavailable)
            #expect(try wal.records(after: 1, maxCount: 10, maxBytes: 1 << 20) == .unavailable)
            #expect(try allRecords(wal, after: 2).map(\.index) == [3, 4, 5])
        }
    }

    @Test(arguments: WALBackend.allCases)
    func retentionByBytesKeepsTheWindowUnderTheLimitButAlwaysTheNewestRecord(backend: WALBackend) throws {
        try backend.withStorage { storage in
            let size = WALRecord(index: 1, operations: [.put(key: "secret/1", value: walBytes("v"))]).encodedSize
            let wal = try WriteAheadLog(storage: storage, maxBytes: 2 * size)
            storage.setCommitHook(wal)
            for number in 1...4 {
                try storage.put("secret/\(number)", walBytes("v"))
            }
            #expect(wal.firstRetainedIndex == 3)
            #expect(wal.retainedByteCount == 2 * size)

            try storage.put("secret/large", [UInt8](repeating: 7, count: 4 * size))
            #expect(wal.firstRetainedIndex == 5)
            #expect(try allRecords(wal, after: 4).map(\.index) == [5])
        }
    }

    @Test func ringServesRecentRecordsAndStorageOlderOnesWithIdenticalResults() throws {
        let directory = try WALTestDirectory()
        let storage = try directory.openStorage()
        let wal = try WriteAheadLog(storage: storage, bufferRecords: 2)
        storage.setCommitHook(wal)
        for number in 1...6 {
            try storage.commit([
                .put(key: "secret/\(number)", value: walBytes("v\(number)")), .delete(key: "x/\(number)"),
            ])
        }
        let reopened = try WriteAheadLog(storage: try directory.openStorage())
        for after in UInt64(0)...6 {
            #expect(
                try wal.records(after: after, maxCount: 3, maxBytes: 1 << 20)
                    == reopened.records(after: after, maxCount: 3, maxBytes: 1 << 20))
        }

        // Removing the stored copies behind the log's back shows which records memory still serves.
        try storage.commit([.delete(key: walRecordKey(5)), .delete(key: walRecordKey(6))])
        #expect(try allRecords(wal, after: 4).map(\.index) == [5, 6])
        #expect(throws: WALError.self) { try reopened.records(after: 4, maxCount: 3, maxBytes: 1 << 20) }
    }

    @Test func fetchHonoursCountAndByteLimitsButAlwaysReturnsOneRecord() throws {
        let storage = InMemoryStorage()
        let wal = try WriteAheadLog(storage: storage)
        storage.setCommitHook(wal)
        for number in 1...5 {
            try storage.put("secret/\(number)", walBytes("value"))
        }
        #expect(try allRecords(wal).count == 5)
        guard case .records(let two) = try wal.records(after: 0, maxCount: 2, maxBytes: 1 << 20) else {
            Issue.record("unavailable")
            return
        }
        #expect(two.map(\.index) == [1, 2])
        guard case .records(let one) = try wal.records(after: 1, maxCount: 10, maxBytes: 1) else {
            Issue.record("unavailable")
            return
        }
        #expect(one.map(\.index) == [2])
        #expect(try wal.records(after: 5, maxCount: 10, maxBytes: 1 << 20) == .records([]))
        #expect(try wal.records(after: 6, maxCount: 10, maxBytes: 1 << 20) == .unavailable)
        #expect(throws: WALError.self) { try wal.records(after: 0, maxCount: 0, maxBytes: 1) }
    }

    @Test func waitForRecordsWakesWhenAnotherThreadCommits() throws {
        let storage = InMemoryStorage()
        let wal = try WriteAheadLog(storage: storage)
        storage.setCommitHook(wal)
        let waiting = DispatchSemaphore(value: 0)
        let outcome = Mutex<(woke: Bool, seconds: Double)?>(nil)
        let finished = DispatchGroup()
        finished.enter()
        let waiter = Thread {
            waiting.signal()
            let start = Date()
            let woke = wal.waitForRecords(after: 0, timeoutMilliseconds: 60_000)
            outcome.withLock { $0 = (woke, Date().timeIntervalSince(start)) }
            finished.leave()
        }
        waiter.start()
        waiting.wait()
        try storage.put("secret/a", walBytes("a"))
        finished.wait()

        let result = try #require(outcome.withLock { $0 })
        #expect(result.woke)
        #expect(result.seconds < 30)
    }

    @Test func waitForRecordsTimesOutWhenNothingCommits() throws {
        let storage = InMemoryStorage()
        let wal = try WriteAheadLog(storage: storage)
        storage.setCommitHook(wal)
        try storage.put("secret/a", walBytes("a"))
        #expect(wal.waitForRecords(after: 0, timeoutMilliseconds: 0))
        #expect(!wal.waitForRecords(after: 1, timeoutMilliseconds: 20))
    }

    @Test(arguments: WALBackend.allCases)
    func concurrentCommittersGetGaplessIndexesInCommitOrder(backend: WALBackend) throws {
        try backend.withStorage { storage in
            let wal = try WriteAheadLog(storage: storage)
            storage.setCommitHook(wal)
            let threads = 8
            let commitsPerThread = 25
            runOnWALThreads(threads) { thread in
                for sequence in 0..<commitsPerThread {
                    let tag = walBytes("\(thread)/\(sequence)")
                    try? storage.commit([
                        .put(key: "secret/t\(thread)/\(sequence)", value: tag), .put(key: "secret/shared", value: tag),
                    ])
                }
            }

            let records = try allRecords(wal)
            #expect(records.map(\.index) == Array(1...wal.lastIndex))
            var nextSequence = [Int](repeating: 0, count: threads)
            var lastShared: [UInt8]?
            for case .put(let key, let value) in records.flatMap(\.operations) where key == "secret/shared" {
                let parts = String(decoding: value, as: UTF8.self).split(separator: "/").compactMap { Int($0) }
                // Each thread's commits appear once each, in the order that thread made them.
                #expect(parts[1] == nextSequence[parts[0]])
                nextSequence[parts[0]] += 1
                lastShared = value
            }
            #expect(nextSequence == [Int](repeating: commitsPerThread, count: threads))
            // The last write in log order is the one the storage kept: log order is commit order.
            #expect(try storage.get("secret/shared") == lastShared)
        }
    }
}
