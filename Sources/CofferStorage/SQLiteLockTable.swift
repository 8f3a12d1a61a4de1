/// The HA locks of an SQLite file: the `coffer_locks` table and the statements that read and change it.
///
/// Every change runs in its own short `BEGIN IMMEDIATE` transaction, which serializes it against the
/// writers of every process sharing the file; time is this host's wall clock, which all those
/// processes share. A lock is live while `expires_at` is after now.
enum SQLiteLockTable {
    /// Creates the table when missing.
    static let createSQL = """
        CREATE TABLE IF NOT EXISTS coffer_locks (
            name TEXT PRIMARY KEY, holder TEXT NOT NULL, value BLOB NOT NULL, expires_at INTEGER NOT NULL
        ) WITHOUT ROWID
        """

    // ?1 name, ?2 holder, ?3 value, ?4 new expiry, ?5 now. A row comes back only when the insert or
    // the guarded update happened, so the check and the write are one statement.
    private static let acquireSQL = """
        INSERT INTO coffer_locks (name, holder, value, expires_at) VALUES (?1, ?2, ?3, ?4)
        ON CONFLICT (name) DO UPDATE SET
            holder = excluded.holder, value = excluded.value, expires_at = excluded.expires_at
        WHERE coffer_locks.expires_at <= ?5 OR coffer_locks.holder = excluded.holder
        RETURNING holder
        """
    private static let renewSQL = "UPDATE coffer_locks SET expires_at = ?3 WHERE name = ?1 AND holder = ?2 RETURNING 1"
    private static let releaseSQL = "DELETE FROM coffer_locks WHERE name = ?1 AND holder = ?2"
    private static let holderSQL =
        "SELECT holder, value, expires_at FROM coffer_locks WHERE name = ?1 AND expires_at > ?2"

    /// Takes or renews the lock at `now`; `true` when `holder` has it afterwards.
    static func acquire(
        _ name: String, holder: String, value: [UInt8], ttlMilliseconds: Int, now: Int64,
        on connection: SQLiteConnection
    ) throws(StorageError) -> Bool {
        try connection.withWriteTransaction { (connection) throws(StorageError) -> Bool in
            let statement = try connection.statement(acquireSQL)
            defer { statement.reset() }
            try statement.bind(name, at: 1)
            try statement.bind(holder, at: 2)
            try statement.bind(blob: value, at: 3)
            try statement.bind(now + Int64(ttlMilliseconds), at: 4)
            try statement.bind(now, at: 5)
            let acquired = try statement.step()
            try statement.run()
            return acquired
        }
    }

    /// Moves the expiry of `holder`'s lock to `now + ttlMilliseconds`; `false` when it is not `holder`'s.
    static func renew(
        _ name: String, holder: String, ttlMilliseconds: Int, now: Int64, on connection: SQLiteConnection
    ) throws(StorageError) -> Bool {
        try connection.withWriteTransaction { (connection) throws(StorageError) -> Bool in
            let statement = try connection.statement(renewSQL)
            defer { statement.reset() }
            try statement.bind(name, at: 1)
            try statement.bind(holder, at: 2)
            try statement.bind(now + Int64(ttlMilliseconds), at: 3)
            let renewed = try statement.step()
            try statement.run()
            return renewed
        }
    }

    /// Deletes the lock if `holder` has it.
    static func release(_ name: String, holder: String, on connection: SQLiteConnection) throws(StorageError) {
        try connection.withWriteTransaction { (connection) throws(StorageError) in
            let statement = try connection.statement(releaseSQL)
            defer { statement.reset() }
            try statement.bind(name, at: 1)
            try statement.bind(holder, at: 2)
            try statement.run()
        }
    }

    /// The holder whose lease runs past `now`, or `nil`.
    static func holder(_ name: String, now: Int64, on connection: SQLiteConnection) throws(StorageError) -> LockHolder?
    {
        let statement = try connection.statement(holderSQL)
        defer { statement.reset() }
        try statement.bind(name, at: 1)
        try statement.bind(now, at: 2)
        guard try statement.step() else { return nil }
        return LockHolder(
            holder: statement.text(at: 0), expiresAtMilliseconds: statement.int64(at: 2), value: statement.bytes(at: 1))
    }
}
