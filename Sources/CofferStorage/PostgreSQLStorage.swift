import Synchronization

/// Storage in a PostgreSQL database, for clusters whose nodes live on different hosts (DESIGN.md §3).
///
/// Entries live in `coffer_entries`, keyed by text in the `"C"` collation so that keys sort by their
/// UTF-8 bytes exactly as in the SQLite backend; HA locks live in `coffer_locks` and keep time by the
/// database server's clock, which all nodes share. Writes go through one connection; concurrent commits
/// are merged by `GroupCommitQueue` into shared transactions, each applied as two set-based statements.
/// Reads and lock calls use a pool of other connections and never wait for the writer. A connection
/// the server dropped is reset at its next use; every statement runs under a server-side timeout.
///
/// Keys cannot contain the NUL character, which PostgreSQL's `text` cannot hold. The database should
/// use the UTF8 (or SQL_ASCII) encoding, so that keys are stored as the bytes given.
public final class PostgreSQLStorage: Storage {
    /// The server-side limit on each statement (`statement_timeout`).
    static let statementTimeoutMilliseconds = 15_000
    private static let getSQL = "SELECT value FROM coffer_entries WHERE key = $1"

    /// Connections for reads and lock calls; internal for the listing and lock extensions of this type.
    let pool: PostgreSQLConnectionPool
    private let writer: PostgreSQLWriter
    private let queue = GroupCommitQueue()
    private let hook = Mutex<(any StorageCommitHook)?>(nil)
    private let committedTransactions = Atomic<Int>(0)

    /// Connects to the database and creates the tables if they are missing.
    ///
    /// - Parameters:
    ///   - connectionString: a libpq connection string, key-value (`host=db port=5432 dbname=coffer`) or
    ///     URI (`postgresql://db/coffer`); `connect_timeout` defaults to 5 s unless it sets one.
    ///   - readerCount: connections kept for reads and lock calls, opened as needed.
    /// - Throws: `invalidArgument` for a `readerCount` below 1; `unavailable` when the server cannot be
    ///   reached; `io` when the tables cannot be created.
    public init(connectionString: String, readerCount: Int = 8) throws(StorageError) {
        guard readerCount >= 1 else {
            throw StorageError(.invalidArgument, "readerCount must be at least 1")
        }
        let connect = { @Sendable () throws(StorageError) -> PostgreSQLConnection in
            try PostgreSQLConnection(
                connectionString: connectionString, statementTimeoutMilliseconds: Self.statementTimeoutMilliseconds)
        }
        writer = try PostgreSQLWriter(connection: try connect())
        pool = PostgreSQLConnectionPool(capacity: readerCount, connect: connect)
    }

    /// How many write transactions have committed since the storage was opened.
    ///
    /// Lower than the number of `commit` calls when group commit merged some of them.
    public var transactionCount: Int {
        committedTransactions.load(ordering: .relaxed)
    }

    /// The value stored at `key`, or `nil`.
    public func get(_ key: String) throws(StorageError) -> [UInt8]? {
        // No stored key contains NUL, and `text` could not carry one to the server.
        guard !key.utf8.contains(0) else { return nil }
        return try pool.withConnection { (connection) throws(StorageError) -> [UInt8]? in
            let result = try connection.execute(Self.getSQL, [.text(key)], operation: "get")
            return result.rowCount == 0 ? nil : result.bytes(row: 0, column: 0)
        }
    }

    /// Applies the operations atomically and durably, possibly in one transaction with concurrent
    /// callers' batches; an empty batch is a no-op.
    public func commit(_ operations: [StorageOperation]) throws(StorageError) {
        guard !operations.isEmpty else { return }
        // Checked before queueing so that a malformed batch fails alone, not its whole group.
        try PostgreSQLChangeSet.validate(operations)
        try queue.commit(operations, runGroup: runGroup)
    }

    /// Installs the observer of every later transaction; `nil` removes it.
    public func setCommitHook(_ hook: (any StorageCommitHook)?) {
        self.hook.withLock { $0 = hook }
    }

    /// The value of the server setting `name` for this storage's sessions, for tests and diagnostics.
    package func setting(_ name: String) throws(StorageError) -> String {
        try pool.withConnection { (connection) throws(StorageError) -> String in
            let result = try connection.execute("SELECT current_setting($1)", [.text(name)], operation: "read setting")
            return result.text(row: 0, column: 0)
        }
    }

    /// Runs one group as the leader: the hook sees the batches, the transaction runs, the hook learns
    /// the outcome, all before the next group can start.
    private func runGroup(_ batches: [[StorageOperation]]) -> Result<Void, StorageError> {
        // TODO: tell the hook apart an unknown outcome (connection lost during COMMIT) from a rollback.
        runHookedGroup(batches, hook: hook.withLock { $0 }, committed: committedTransactions) {
            (extra) throws(StorageError) in
            try writer.runTransaction(batches, extra: extra)
        }
    }
}
