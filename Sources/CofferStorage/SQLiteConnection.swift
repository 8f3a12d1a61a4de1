import CSQLite

/// One SQLite connection: owns the `sqlite3` handle and its prepared statements, closed in `deinit`.
///
/// Opened with `SQLITE_OPEN_NOMUTEX`, so SQLite does no locking of its own on it; callers keep each
/// connection on one thread at a time (a reader is checked out of `SQLiteReaderPool`, the writer is
/// used only by the group-commit leader).
// Confined by its owners as described above; it moves between threads but is never shared by two.
final class SQLiteConnection: @unchecked Sendable {
    /// How the connection opens the file.
    enum Mode {
        /// Read-write, creating the file if needed: the writer.
        case readWrite
        /// Read-only: a reader of a database the writer already created.
        case readOnly
    }

    private let handle: OpaquePointer
    private var statements: [String: SQLiteStatement] = [:]

    /// Opens the database at `path` (`sqlite3_open_v2`) with a busy timeout in milliseconds.
    init(path: String, mode: Mode, busyTimeoutMilliseconds: Int32) throws(StorageError) {
        var flags = SQLITE_OPEN_NOMUTEX
        switch mode {
        case .readWrite: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        }
        var opened: OpaquePointer?
        let code = sqlite3_open_v2(path, &opened, flags, nil)
        guard code == SQLITE_OK, let opened else {
            let error = StorageError.sqlite(code, handle: opened, "open database")
            // A failed open may still allocate a handle, which must be closed.
            sqlite3_close_v2(opened)
            throw error
        }
        handle = opened
        sqlite3_extended_result_codes(handle, 1)
        let timeout = sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
        guard timeout == SQLITE_OK else {
            // Every stored property is set, so `deinit` runs after this throw and closes the handle.
            throw StorageError.sqlite(timeout, handle: handle, "set busy timeout")
        }
    }

    deinit {
        // Statements first, so that the close below finds none outstanding.
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Whether a transaction is open (`sqlite3_get_autocommit` is off).
    var isInTransaction: Bool {
        sqlite3_get_autocommit(handle) == 0
    }

    /// The prepared statement for `sql`, compiled on first use and cached for the connection's life.
    ///
    /// Callers reset it when done, so that it holds no read open and is ready for the next user.
    func statement(_ sql: String) throws(StorageError) -> SQLiteStatement {
        if let cached = statements[sql] {
            return cached
        }
        let statement = try prepare(sql, flags: UInt32(SQLITE_PREPARE_PERSISTENT))
        statements[sql] = statement
        return statement
    }

    /// Runs `sql` (one statement, no parameters) and returns the first column of its first row as text,
    /// or `nil` when it returns no row.
    ///
    /// - Parameter cached: keep the compiled statement for the next call; pass `false` for one-off SQL.
    @discardableResult
    func execute(_ sql: String, cached: Bool = true) throws(StorageError) -> String? {
        let statement = cached ? try statement(sql) : try prepare(sql, flags: 0)
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        let first = statement.text(at: 0)
        while try statement.step() {}
        return first
    }

    /// Runs `body` in a read transaction, so that its several statements see one snapshot.
    func withReadTransaction<Value>(
        _ body: (SQLiteConnection) throws(StorageError) -> Value
    ) throws(StorageError) -> Value {
        try withTransaction(begin: "BEGIN", body)
    }

    /// Runs `body` in a `BEGIN IMMEDIATE … COMMIT` write transaction, rolled back if anything throws.
    ///
    /// `IMMEDIATE` takes the file's write lock first (waiting up to the busy timeout for other
    /// connections and processes), so a read-then-write inside `body` sees no concurrent change.
    func withWriteTransaction<Value>(
        _ body: (SQLiteConnection) throws(StorageError) -> Value
    ) throws(StorageError) -> Value {
        try withTransaction(begin: "BEGIN IMMEDIATE", body)
    }

    private func withTransaction<Value>(
        begin: String, _ body: (SQLiteConnection) throws(StorageError) -> Value
    ) throws(StorageError) -> Value {
        try execute(begin)
        do {
            let result = try body(self)
            try execute("COMMIT")
            return result
        } catch {
            rollbackIfNeeded()
            throw error
        }
    }

    /// Rolls back the open transaction, if any; used on a path that already reports an error.
    func rollbackIfNeeded() {
        guard isInTransaction else { return }
        // SQLite may have rolled back by itself after an I/O error; a failure here adds nothing.
        _ = try? execute("ROLLBACK")
    }

    /// Compiles `sql` (`sqlite3_prepare_v3`).
    private func prepare(_ sql: String, flags: UInt32) throws(StorageError) -> SQLiteStatement {
        var prepared: OpaquePointer?
        let code = sqlite3_prepare_v3(handle, sql, -1, flags, &prepared, nil)
        guard code == SQLITE_OK, let prepared else {
            throw StorageError.sqlite(code, handle: handle, "prepare statement")
        }
        return SQLiteStatement(handle: prepared)
    }
}
