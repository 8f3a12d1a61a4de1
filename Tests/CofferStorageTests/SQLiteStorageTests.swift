import CSQLite
import CofferTestSupport
import Foundation
import Synchronization
import Testing

@testable import CofferStorage

/// Behaviour specific to the SQLite backend: the file, its settings, group commit and parallel reads.
@Suite struct SQLiteStorageTests {
    @Test func databaseRunsInWALModeWithFullSynchronousByDefault() throws {
        let directory = try TemporaryDirectory()
        let storage = try SQLiteStorage(path: directory.path("coffer.db"))

        #expect(try storage.pragma("journal_mode") == "wal")
        #expect(try storage.pragma("synchronous") == "2")
        #expect(try Int(storage.pragma("busy_timeout") ?? "") ?? 0 >= 1000)
    }

    @Test(arguments: [(SQLiteSynchronous.off, "0"), (.normal, "1"), (.full, "2")])
    func synchronousSettingIsApplied(setting: SQLiteSynchronous, expected: String) throws {
        let directory = try TemporaryDirectory()
        let storage = try SQLiteStorage(path: directory.path("coffer.db"), synchronous: setting)

        #expect(try storage.pragma("synchronous") == expected)
    }

    @Test func pragmaRejectsAnythingButAName() throws {
        let directory = try TemporaryDirectory()
        let storage = try SQLiteStorage(path: directory.path("coffer.db"))

        #expect(throws: StorageError(.invalidArgument, "not a pragma name")) {
            try storage.pragma("synchronous=OFF")
        }
    }

    @Test func committedDataSurvivesReopening() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("coffer.db")
        do {
            let storage = try SQLiteStorage(path: path)
            try storage.commit([.put(key: "kept/a", value: [1, 2, 3]), .put(key: "kept/empty", value: [])])
            try storage.delete("kept/a")
            try storage.put("kept/a", [4])
        }

        let reopened = try SQLiteStorage(path: path)
        #expect(try reopened.get("kept/a") == [4])
        #expect(try reopened.get("kept/empty") == [])
        #expect(try reopened.list(prefix: "kept/") == ["a", "empty"])
    }

    @Test func openingInAMissingDirectoryFailsAsUnavailable() throws {
        let directory = try TemporaryDirectory()
        let error = #expect(throws: StorageError.self) {
            try SQLiteStorage(path: directory.path("missing/coffer.db"))
        }
        #expect(error?.code == .unavailable)
    }

    @Test func fileThatIsNotADatabaseFailsAsCorrupt() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("coffer.db")
        try Data(repeating: 0x5A, count: 4096).write(to: URL(fileURLWithPath: path))

        let error = #expect(throws: StorageError.self) {
            try SQLiteStorage(path: path)
        }
        #expect(error?.code == .corrupt)
    }

    @Test func readerCountBelowOneIsRejected() throws {
        let directory = try TemporaryDirectory()
        let error = #expect(throws: StorageError.self) {
            try SQLiteStorage(path: directory.path("coffer.db"), readerCount: 0)
        }
        #expect(error?.code == .invalidArgument)
    }

    @Test func batchThatSQLiteRejectsMidTransactionLeavesNothing() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("coffer.db")
        let storage = try SQLiteStorage(path: path)
        try storage.put("kept", [0])
        try executeOutside(
            path,
            """
            CREATE TRIGGER reject_poison BEFORE INSERT ON coffer_entries WHEN NEW.key = 'poison'
            BEGIN SELECT RAISE(ABORT, 'poison rejected'); END
            """)

        let error = #expect(throws: StorageError.self) {
            try storage.commit([.put(key: "first", value: [1]), .delete(key: "kept"), .put(key: "poison", value: [2])])
        }

        #expect(error?.code == .invalidArgument)
        #expect(error?.description.contains("poison rejected") == true)
        #expect(try storage.get("first") == nil)
        #expect(try storage.get("kept") == [0])
        try storage.put("after", [3])
        #expect(try storage.get("after") == [3])
    }

    @Test func concurrentCommitsAreGroupedIntoFewerTransactions() throws {
        let directory = try TemporaryDirectory()
        let storage = try SQLiteStorage(path: directory.path("coffer.db"))
        let failures = Atomic<Int>(0)

        runOnThreads(8) { thread in
            for index in 0..<200 {
                do {
                    try storage.put("t\(thread)/\(index)", [UInt8(thread), UInt8(index)])
                } catch {
                    failures.add(1, ordering: .relaxed)
                }
            }
        }

        #expect(failures.load(ordering: .relaxed) == 0)
        #expect(try storage.keys(prefix: "t").count == 1600)
        #expect(try storage.get("t7/199") == [7, 199])
        #expect(try storage.list(prefix: "") == (0..<8).map { "t\($0)/" })
        #expect(storage.transactionCount > 0)
        #expect(storage.transactionCount < 1600)
    }

    @Test func readersRunningBesideTheWriterSeeOnlyCommittedValues() throws {
        let directory = try TemporaryDirectory()
        let storage = try SQLiteStorage(path: directory.path("coffer.db"), synchronous: .normal, readerCount: 2)
        let written = 300
        try storage.commit([.put(key: "pair/a", value: [0, 0]), .put(key: "pair/b", value: [0, 0])])
        let anomalies = Atomic<Int>(0)
        let reads = Atomic<Int>(0)

        runOnThreads(4) { thread in
            if thread == 0 {
                for version in 1...written {
                    let value = [UInt8(version >> 8), UInt8(version & 0xFF)]
                    if (try? storage.commit([.put(key: "pair/a", value: value), .put(key: "pair/b", value: value)]))
                        == nil
                    {
                        anomalies.add(1, ordering: .relaxed)
                    }
                }
                return
            }
            var lastSeen = 0
            for _ in 0..<400 {
                guard let value = try? storage.get("pair/a"), value.count == 2,
                    (try? storage.list(prefix: "pair/")) == ["a", "b"]
                else {
                    anomalies.add(1, ordering: .relaxed)
                    continue
                }
                let version = Int(value[0]) << 8 | Int(value[1])
                // Versions only grow: a reader never sees a value older than one it has already seen.
                if version < lastSeen || version > written {
                    anomalies.add(1, ordering: .relaxed)
                }
                lastSeen = version
                reads.add(1, ordering: .relaxed)
            }
        }

        #expect(anomalies.load(ordering: .relaxed) == 0)
        #expect(reads.load(ordering: .relaxed) == 1200)
        #expect(try storage.get("pair/b") == [UInt8(written >> 8), UInt8(written & 0xFF)])
    }

    @Test func readsDoNotWaitForAnOpenWriteTransaction() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("coffer.db")
        let storage = try SQLiteStorage(path: path)
        try storage.put("k", [1])

        let outside = try OutsideConnection(path)
        try outside.execute("BEGIN IMMEDIATE")
        try outside.execute("UPDATE coffer_entries SET value = X'02' WHERE key = 'k'")

        #expect(try storage.get("k") == [1])
        #expect(try storage.keys(prefix: "") == ["k"])
        try outside.execute("COMMIT")
        #expect(try storage.get("k") == [2])
    }

    @Test func readsOutnumberingThePoolOpenExtraConnections() throws {
        let directory = try TemporaryDirectory()
        let storage = try SQLiteStorage(path: directory.path("coffer.db"), readerCount: 1)
        try storage.put("k", [9])
        let mismatches = Atomic<Int>(0)

        runOnThreads(6) { _ in
            for _ in 0..<50 where (try? storage.get("k")) != [9] {
                mismatches.add(1, ordering: .relaxed)
            }
        }

        #expect(mismatches.load(ordering: .relaxed) == 0)
    }
}

/// HA locks shared by several `SQLiteStorage` instances on one file, as nodes on one host would share it.
extension SQLiteStorageTests {
    @Test func twoStoragesOnOneFileSeeAndRespectEachOthersLock() throws {
        let directory = try TemporaryDirectory()
        let first = try SQLiteStorage(path: directory.path("coffer.db"), synchronous: .normal, readerCount: 1)
        let second = try SQLiteStorage(path: directory.path("coffer.db"), synchronous: .normal, readerCount: 1)

        #expect(try first.acquireLock("core/lock", holder: "node-a", value: [1], ttlMilliseconds: 60_000))
        #expect(try !second.acquireLock("core/lock", holder: "node-b", value: [2], ttlMilliseconds: 60_000))
        #expect(try second.lockHolder("core/lock")?.value == [1])

        try first.releaseLock("core/lock", holder: "node-a")
        #expect(try second.acquireLock("core/lock", holder: "node-b", value: [2], ttlMilliseconds: 60_000))
        #expect(try !first.renewLock("core/lock", holder: "node-a", ttlMilliseconds: 60_000))
        #expect(try first.lockHolder("core/lock")?.holder == "node-b")
    }

    @Test func storagesOnOneFileRacingWhileCommittingLeaveOneWinner() throws {
        let directory = try TemporaryDirectory()
        let storages = try (0..<3).map { _ in
            try SQLiteStorage(path: directory.path("coffer.db"), synchronous: .normal, readerCount: 1)
        }
        let winners = Mutex<[String]>([])
        let failures = Atomic<Int>(0)

        runOnThreads(6) { thread in
            let storage = storages[thread % storages.count]
            do {
                // Commits from the same storages keep their writers busy while the locks are contended.
                try storage.put("busy/\(thread)", [UInt8(thread)])
                if try storage.acquireLock("race", holder: "node-\(thread)", value: [], ttlMilliseconds: 60_000) {
                    winners.withLock { $0.append("node-\(thread)") }
                }
                try storage.put("busy/\(thread)/after", [UInt8(thread)])
            } catch {
                failures.add(1, ordering: .relaxed)
            }
        }

        let won = winners.withLock { $0 }
        #expect(failures.load(ordering: .relaxed) == 0)
        #expect(won.count == 1)
        for storage in storages {
            #expect(try storage.lockHolder("race")?.holder == won.first)
        }
        #expect(try storages[0].keys(prefix: "busy/").count == 12)
    }
}

/// A second, plain SQLite connection to the same file, standing for another process or an operator.
private final class OutsideConnection {
    private var handle: OpaquePointer?

    /// Opens the database at `path` read-write.
    init(_ path: String) throws {
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else {
            throw StorageError(.unavailable, "test connection did not open")
        }
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Runs `sql` to completion.
    func execute(_ sql: String) throws {
        guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else {
            throw StorageError(.io, String(cString: sqlite3_errmsg(handle)))
        }
    }
}

/// Runs `sql` once on a connection of its own to the database at `path`.
private func executeOutside(_ path: String, _ sql: String) throws {
    try OutsideConnection(path).execute(sql)
}
