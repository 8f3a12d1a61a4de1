import Glibc

/// The single read-write connection and the transactions it runs for the group-commit leader.
///
/// It prepares the schema when created; afterwards only the current leader (or an exclusive
/// caller of `GroupCommitQueue`) touches it.
// Confined to the group-commit leader, which `GroupCommitQueue` makes one thread at a time.
final class SQLiteWriter: @unchecked Sendable {
    private static let putSQL = """
        INSERT INTO coffer_entries (key, value) VALUES (?1, ?2)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value
        """
    private static let deleteSQL = "DELETE FROM coffer_entries WHERE key = ?1"

    /// The read-write connection, for pragma reads under `GroupCommitQueue.exclusively`.
    let connection: SQLiteConnection

    /// Opens the database at `path`, switches it to WAL and creates the tables if they are missing.
    init(path: String, synchronous: SQLiteSynchronous, busyTimeoutMilliseconds: Int32) throws(StorageError) {
        connection = try SQLiteConnection(
            path: path, mode: .readWrite, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        // Nodes of one cluster that start together open the same file at once. Switching to WAL
        // and creating the schema can then fail with SQLITE_BUSY without SQLite calling the busy
        // handler (its deadlock avoidance), so the setup is retried for a bounded time.
        var attempt = 0
        while true {
            do throws(StorageError) {
                try Self.prepareSchema(connection, synchronous: synchronous)
                break
            } catch {
                guard error.code == .unavailable, attempt < 200 else { throw error }
                attempt += 1
                usleep(25_000)
            }
        }
        // Compiled now so that a broken schema fails the open rather than the first commit.
        _ = try connection.statement(Self.putSQL)
        _ = try connection.statement(Self.deleteSQL)
    }

    private static func prepareSchema(
        _ connection: SQLiteConnection, synchronous: SQLiteSynchronous
    ) throws(StorageError) {
        let journalMode = try connection.execute("PRAGMA journal_mode=WAL", cached: false)
        guard journalMode?.lowercased() == "wal" else {
            throw StorageError(.unavailable, "the database refused WAL journal mode")
        }
        try connection.execute("PRAGMA synchronous=\(synchronous.rawValue.uppercased())", cached: false)
        try connection.execute(
            "CREATE TABLE IF NOT EXISTS coffer_entries (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID",
            cached: false)
        try connection.execute(SQLiteLockTable.createSQL, cached: false)
    }

    /// Runs the batches, then `extra`, in one `BEGIN IMMEDIATE … COMMIT` transaction; on any failure
    /// rolls everything back and throws.
    func runTransaction(_ batches: [[StorageOperation]], extra: [StorageOperation]) throws(StorageError) {
        try connection.withWriteTransaction { (_) throws(StorageError) in
            for batch in batches {
                for operation in batch {
                    try apply(operation)
                }
            }
            for operation in extra {
                // Batches were checked before queueing; the hook's operations only now.
                try operation.validate()
                try apply(operation)
            }
        }
    }

    private func apply(_ operation: StorageOperation) throws(StorageError) {
        switch operation {
        case .put(let key, let value):
            let statement = try connection.statement(Self.putSQL)
            defer { statement.reset() }
            try statement.bind(key, at: 1)
            try statement.bind(blob: value, at: 2)
            try statement.run()
        case .delete(let key):
            let statement = try connection.statement(Self.deleteSQL)
            defer { statement.reset() }
            try statement.bind(key, at: 1)
            try statement.run()
        }
    }
}
