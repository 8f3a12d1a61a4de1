/// The single connection that writes entries, and the transactions it runs for the group-commit leader.
///
/// It prepares the schema when created; afterwards only the current leader touches it.
// Confined to the group-commit leader, which `GroupCommitQueue` makes one thread at a time.
final class PostgreSQLWriter: @unchecked Sendable {
    /// Serializes schema creation across processes: concurrent `CREATE TABLE IF NOT EXISTS` of one
    /// table can fail on the catalog's unique index. The number is arbitrary ("Coffer" in ASCII).
    private static let schemaLockKey: Int64 = 0x436F_6666_6572
    private static let schemaSQL = [
        #"CREATE TABLE IF NOT EXISTS coffer_entries (key TEXT COLLATE "C" PRIMARY KEY, value BYTEA NOT NULL)"#,
        """
        CREATE TABLE IF NOT EXISTS coffer_locks (
            name TEXT COLLATE "C" PRIMARY KEY, holder TEXT NOT NULL, value BYTEA NOT NULL, expires_at BIGINT NOT NULL
        )
        """,
    ]
    private static let deleteSQL = "DELETE FROM coffer_entries WHERE key = ANY($1)"
    private static let putSQL = """
        INSERT INTO coffer_entries (key, value) SELECT * FROM unnest($1::text[], $2::bytea[])
        ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
        """

    private let connection: PostgreSQLConnection

    /// Takes `connection` as the writer and creates the tables if they are missing.
    init(connection: PostgreSQLConnection) throws(StorageError) {
        self.connection = connection
        try inTransaction { () throws(StorageError) in
            try connection.execute(
                "SELECT pg_advisory_xact_lock($1)", [.int64(Self.schemaLockKey)], operation: "create tables")
            for sql in Self.schemaSQL {
                try connection.execute(sql, operation: "create tables")
            }
        }
    }

    /// Runs the batches, then `extra`, as one transaction; on any failure rolls everything back and throws.
    ///
    /// A connection found broken at `BEGIN` is reset and the transaction starts again, as nothing of it
    /// reached the server. A connection lost at `COMMIT` reports `unavailable` although the server may
    /// have committed; the caller cannot tell.
    func runTransaction(_ batches: [[StorageOperation]], extra: [StorageOperation]) throws(StorageError) {
        // Batches were checked before queueing; the hook's operations only now.
        try PostgreSQLChangeSet.validate(extra)
        let changes = PostgreSQLChangeSet(batches.joined() + extra)
        try inTransaction { () throws(StorageError) in
            if !changes.deletes.isEmpty {
                try connection.execute(Self.deleteSQL, [.textArray(changes.deletes)], operation: "commit")
            }
            if !changes.puts.isEmpty {
                try connection.execute(
                    Self.putSQL, [.textArray(changes.puts.map(\.key)), .bytesArray(changes.puts.map(\.value))],
                    operation: "commit")
            }
        }
    }

    private func inTransaction(_ body: () throws(StorageError) -> Void) throws(StorageError) {
        do throws(StorageError) {
            try connection.execute("BEGIN", operation: "begin transaction")
        } catch  where connection.isBroken {
            try connection.execute("BEGIN", operation: "begin transaction")
        }
        do throws(StorageError) {
            try body()
            try connection.execute("COMMIT", operation: "commit")
        } catch {
            connection.rollbackIfNeeded()
            throw error
        }
    }
}
