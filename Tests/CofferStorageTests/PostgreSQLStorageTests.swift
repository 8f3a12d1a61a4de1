import CofferTestSupport
import Foundation
import Synchronization
import Testing

@testable import CofferStorage

/// Behaviour specific to the PostgreSQL backend, against a private server started for the test process.
@Suite(.enabled(if: PostgreSQLTestServer.isEnabled, "no PostgreSQL binaries under /usr/lib/postgresql/*/bin"))
struct PostgreSQLStorageTests {
    @Test func sessionsRunWithAStatementTimeout() throws {
        let storage = try PostgreSQLTestServer.shared().makeStorage()

        #expect(try storage.setting("statement_timeout") == "15s")
        #expect(try storage.setting("client_encoding") == "UTF8")
    }

    @Test func serverThatIsNotListeningFailsAsUnavailableAtOnce() throws {
        let port = try PostgreSQLTestServer.freePort()
        let started = Date()

        let error = #expect(throws: StorageError.self) {
            try PostgreSQLStorage(connectionString: "host=127.0.0.1 port=\(port) user=coffer connect_timeout=2")
        }

        #expect(error?.code == .unavailable)
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test func readerCountBelowOneIsRejected() throws {
        let error = #expect(throws: StorageError.self) {
            try PostgreSQLStorage(connectionString: "host=127.0.0.1 port=1", readerCount: 0)
        }
        #expect(error?.code == .invalidArgument)
    }

    @Test func secondStorageOnTheSameTablesSeesTheCommittedEntries() throws {
        let server = try PostgreSQLTestServer.shared()
        let (connectionString, _) = try server.makeSchema()
        let first = try PostgreSQLStorage(connectionString: connectionString, readerCount: 1)
        try first.commit([.put(key: "kept/a", value: [1, 2, 3]), .put(key: "kept/empty", value: [])])

        let second = try PostgreSQLStorage(connectionString: connectionString, readerCount: 1)

        #expect(try second.get("kept/a") == [1, 2, 3])
        #expect(try second.get("kept/empty") == [])
        #expect(try second.list(prefix: "kept/") == ["a", "empty"])
    }

    @Test func batchTheServerRejectsMidTransactionLeavesNothing() throws {
        let server = try PostgreSQLTestServer.shared()
        let (connectionString, schema) = try server.makeSchema()
        let storage = try PostgreSQLStorage(connectionString: connectionString, readerCount: 1)
        try storage.put("kept", [0])
        try server.execute(
            """
            CREATE FUNCTION \(schema).reject_poison() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.key = 'poison' THEN RAISE EXCEPTION 'poison rejected' USING ERRCODE = 'check_violation'; END IF;
                RETURN NEW;
            END $$
            """)
        try server.execute(
            """
            CREATE TRIGGER reject_poison BEFORE INSERT ON \(schema).coffer_entries
                FOR EACH ROW EXECUTE FUNCTION \(schema).reject_poison()
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

    @Test func keyWithANulCharacterIsRejectedAndCannotExist() throws {
        let storage = try PostgreSQLTestServer.shared().makeStorage()

        let error = #expect(throws: StorageError.self) {
            try storage.commit([.put(key: "fine", value: [1]), .put(key: "a\u{0}b", value: [2])])
        }

        #expect(error?.code == .invalidArgument)
        #expect(try storage.get("fine") == nil)
        #expect(try storage.get("a\u{0}b") == nil)
        #expect(try storage.keys(prefix: "a\u{0}") == [])
    }

    @Test func listingAFolderLargerThanOnePageJumpsOverSubfoldersAndMissesNothing() throws {
        let storage = try PostgreSQLTestServer.shared().makeStorage()
        let direct = (0..<(PostgreSQLStorage.listPageSize * 2 + 10)).map { "f/k\(1000 + $0)" }
        let nested = (0..<(PostgreSQLStorage.listPageSize + 5)).map { "f/deep/n\($0)" }
        try storage.commit((direct + nested + ["f/z", "g"]).map { .put(key: $0, value: []) })

        let listed = try storage.list(prefix: "f/")

        #expect(listed == ["deep/"] + direct.map { String($0.dropFirst(2)) } + ["z"])
        #expect(try storage.keys(prefix: "f/").count == direct.count + nested.count + 1)
    }

    @Test func concurrentCommitsAreGroupedIntoFewerTransactions() throws {
        let storage = try PostgreSQLTestServer.shared().makeStorage()
        let failures = Atomic<Int>(0)

        runOnThreads(6) { thread in
            for index in 0..<40 {
                do {
                    try storage.put("t\(thread)/\(index)", [UInt8(thread), UInt8(index)])
                } catch {
                    failures.add(1, ordering: .relaxed)
                }
            }
        }

        #expect(failures.load(ordering: .relaxed) == 0)
        #expect(try storage.keys(prefix: "t").count == 240)
        #expect(try storage.get("t5/39") == [5, 39])
        #expect(storage.transactionCount > 0)
        #expect(storage.transactionCount < 240)
    }

    @Test func twoNodesSharingTheDatabaseContendForTheLockByTheServersClock() throws {
        let server = try PostgreSQLTestServer.shared()
        let (connectionString, _) = try server.makeSchema()
        let nodeA = try PostgreSQLStorage(connectionString: connectionString, readerCount: 1)
        let nodeB = try PostgreSQLStorage(connectionString: connectionString, readerCount: 1)

        #expect(try nodeA.acquireLock("core/lock", holder: "node-a", value: bytes("a:8201"), ttlMilliseconds: 300))
        #expect(try !nodeB.acquireLock("core/lock", holder: "node-b", value: bytes("b:8201"), ttlMilliseconds: 300))
        #expect(try nodeB.lockHolder("core/lock")?.value == bytes("a:8201"))

        #expect(
            try eventually { try nodeB.acquireLock("core/lock", holder: "node-b", value: [], ttlMilliseconds: 60_000) })
        #expect(try !nodeA.renewLock("core/lock", holder: "node-a", ttlMilliseconds: 300))
        #expect(try nodeA.lockHolder("core/lock")?.holder == "node-b")
    }

    @Test func connectionsKilledByTheServerAreReplacedAndLaterCallsSucceed() throws {
        let server = try PostgreSQLTestServer.shared()
        let (connectionString, schema) = try server.makeSchema()
        let storage = try PostgreSQLStorage(connectionString: connectionString, readerCount: 2)
        try storage.put("k", [1])
        #expect(try storage.acquireLock("core/lock", holder: "node-a", value: [], ttlMilliseconds: 60_000))
        let sessions = "FROM pg_stat_activity WHERE application_name = 'coffer-\(schema)'"

        let killed = try server.execute("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) \(sessions)) AS k")
        #expect(killed.int64(row: 0, column: 0) >= 2)
        #expect(try eventually { try server.execute("SELECT count(*) \(sessions)").int64(row: 0, column: 0) == 0 })

        // Reads, commits and lock calls each find their connection broken and reconnect transparently.
        #expect(try storage.get("k") == [1])
        try storage.put("k", [3])
        #expect(try storage.renewLock("core/lock", holder: "node-a", ttlMilliseconds: 60_000))
        #expect(try storage.get("k") == [3])
        #expect(try storage.list(prefix: "") == ["k"])
        #expect(try server.execute("SELECT count(*) \(sessions)").int64(row: 0, column: 0) >= 2)
    }

    @Test func callsWhileTheDatabaseRefusesConnectionsFailAsUnavailableThenRecover() throws {
        let server = try PostgreSQLTestServer.shared()
        let database = "refusing_\(try PostgreSQLTestServer.freePort())"
        try server.execute("CREATE DATABASE \(database)")
        let connectionString =
            "host=127.0.0.1 port=\(server.port) user=coffer dbname=\(database) application_name=\(database)"
        let storage = try PostgreSQLStorage(connectionString: connectionString, readerCount: 1)
        try storage.put("k", [1])
        #expect(try storage.get("k") == [1])

        try server.execute("ALTER DATABASE \(database) ALLOW_CONNECTIONS false")
        try server.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(database)'")
        #expect(
            try eventually {
                try server.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = '\(database)'").int64(
                    row: 0, column: 0) == 0
            })

        let started = Date()
        let calls: [() throws -> Void] = [
            { _ = try storage.get("k") }, { try storage.put("k", [2]) },
            { _ = try storage.acquireLock("core/lock", holder: "node-a", value: [], ttlMilliseconds: 1_000) },
        ]
        for call in calls {
            let error = #expect(throws: StorageError.self) { try call() }
            #expect(error?.code == .unavailable)
        }
        #expect(Date().timeIntervalSince(started) < 5)

        try server.execute("ALTER DATABASE \(database) ALLOW_CONNECTIONS true")
        try storage.put("k", [3])
        #expect(try storage.get("k") == [3])
    }
}
