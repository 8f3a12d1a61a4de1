extension PostgreSQLStorage {
    /// Takes the lock when it is free or expired, or renews it for its holder, by the server's clock.
    ///
    /// Runs on a pool connection, beside the writer: it never waits for a commit group.
    public func acquireLock(
        _ name: String, holder: String, value: [UInt8], ttlMilliseconds: Int
    ) throws(StorageError) -> Bool {
        try Self.checkLockArguments(name: name, holder: holder)
        try LockArguments.check(name: name, holder: holder, ttlMilliseconds: ttlMilliseconds)
        // Repeated after a lost connection, an acquire by the same holder renews: safe to retry.
        return try pool.withConnection { (connection) throws(StorageError) -> Bool in
            try PostgreSQLLockTable.acquire(
                name, holder: holder, value: value, ttlMilliseconds: ttlMilliseconds, on: connection)
        }
    }

    /// Extends the lease while `holder` still has the lock.
    public func renewLock(_ name: String, holder: String, ttlMilliseconds: Int) throws(StorageError) -> Bool {
        try Self.checkLockArguments(name: name, holder: holder)
        try LockArguments.check(name: name, holder: holder, ttlMilliseconds: ttlMilliseconds)
        return try pool.withConnection { (connection) throws(StorageError) -> Bool in
            try PostgreSQLLockTable.renew(name, holder: holder, ttlMilliseconds: ttlMilliseconds, on: connection)
        }
    }

    /// Gives the lock up if `holder` has it.
    public func releaseLock(_ name: String, holder: String) throws(StorageError) {
        try Self.checkLockArguments(name: name, holder: holder)
        try LockArguments.check(name: name, holder: holder)
        try pool.withConnection { (connection) throws(StorageError) in
            try PostgreSQLLockTable.release(name, holder: holder, on: connection)
        }
    }

    /// The live holder of the lock, or `nil` when it is free or expired.
    public func lockHolder(_ name: String) throws(StorageError) -> LockHolder? {
        guard !name.utf8.contains(0) else { return nil }
        return try pool.withConnection { (connection) throws(StorageError) -> LockHolder? in
            try PostgreSQLLockTable.holder(name, on: connection)
        }
    }

    /// Throws `invalidArgument` for names that `text` cannot hold.
    private static func checkLockArguments(name: String, holder: String) throws(StorageError) {
        if name.utf8.contains(0) || holder.utf8.contains(0) {
            throw StorageError(.invalidArgument, "lock name or holder contains a NUL character")
        }
    }
}
