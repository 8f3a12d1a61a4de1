/// The HA locks of a PostgreSQL database: statements on the `coffer_locks` table.
///
/// Each change is one statement, atomic on its own, so concurrent callers on any host are serialized by
/// the row lock. Time is the server's clock at the moment the statement runs, never a node's.
enum PostgreSQLLockTable {
    /// Milliseconds since the epoch by the server's clock; `clock_timestamp()` rather than `now()`,
    /// which would be the start of the transaction.
    private static let nowSQL = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint"

    // $1 name, $2 holder, $3 value, $4 TTL. The expiry is computed once; `EXCLUDED.expires_at - $4` is
    // therefore the same `now`. A row comes back only when the insert or the guarded update happened.
    private static let acquireSQL = """
        INSERT INTO coffer_locks (name, holder, value, expires_at) SELECT $1, $2, $3, \(nowSQL) + $4
        ON CONFLICT (name) DO UPDATE SET
            holder = EXCLUDED.holder, value = EXCLUDED.value, expires_at = EXCLUDED.expires_at
        WHERE coffer_locks.expires_at <= EXCLUDED.expires_at - $4 OR coffer_locks.holder = EXCLUDED.holder
        RETURNING holder
        """
    private static let renewSQL = """
        UPDATE coffer_locks SET expires_at = \(nowSQL) + $3 WHERE name = $1 AND holder = $2 RETURNING holder
        """
    private static let releaseSQL = "DELETE FROM coffer_locks WHERE name = $1 AND holder = $2"
    private static let holderSQL = """
        SELECT holder, value, expires_at FROM coffer_locks WHERE name = $1 AND expires_at > \(nowSQL)
        """

    /// Takes or renews the lock; `true` when `holder` has it afterwards.
    static func acquire(
        _ name: String, holder: String, value: [UInt8], ttlMilliseconds: Int, on connection: PostgreSQLConnection
    ) throws(StorageError) -> Bool {
        let result = try connection.execute(
            acquireSQL, [.text(name), .text(holder), .bytes(value), .int64(Int64(ttlMilliseconds))],
            operation: "acquire lock")
        return result.rowCount == 1
    }

    /// Moves the expiry of `holder`'s lock to `ttlMilliseconds` from now; `false` when it is not `holder`'s.
    static func renew(
        _ name: String, holder: String, ttlMilliseconds: Int, on connection: PostgreSQLConnection
    ) throws(StorageError) -> Bool {
        let result = try connection.execute(
            renewSQL, [.text(name), .text(holder), .int64(Int64(ttlMilliseconds))], operation: "renew lock")
        return result.rowCount == 1
    }

    /// Deletes the lock if `holder` has it.
    static func release(_ name: String, holder: String, on connection: PostgreSQLConnection) throws(StorageError) {
        try connection.execute(releaseSQL, [.text(name), .text(holder)], operation: "release lock")
    }

    /// The holder whose lease runs past now, or `nil`.
    static func holder(_ name: String, on connection: PostgreSQLConnection) throws(StorageError) -> LockHolder? {
        let result = try connection.execute(holderSQL, [.text(name)], operation: "read lock holder")
        guard result.rowCount == 1 else { return nil }
        return LockHolder(
            holder: result.text(row: 0, column: 0), expiresAtMilliseconds: result.int64(row: 0, column: 2),
            value: result.bytes(row: 0, column: 1))
    }
}
