import CofferBase

extension SQLiteStorage {
    /// Takes the lock when it is free or expired, or renews it for its holder, by this host's wall clock.
    ///
    /// Runs on the writer between two commit groups: it waits for the running group, never for queued ones.
    public func acquireLock(
        _ name: String, holder: String, value: [UInt8], ttlMilliseconds: Int
    ) throws(StorageError) -> Bool {
        try LockArguments.check(name: name, holder: holder, ttlMilliseconds: ttlMilliseconds)
        return try queue.exclusively { () throws(StorageError) -> Bool in
            try SQLiteLockTable.acquire(
                name, holder: holder, value: value, ttlMilliseconds: ttlMilliseconds, now: Clock.now().milliseconds,
                on: writer.connection)
        }
    }

    /// Extends the lease while `holder` still has the lock.
    public func renewLock(_ name: String, holder: String, ttlMilliseconds: Int) throws(StorageError) -> Bool {
        try LockArguments.check(name: name, holder: holder, ttlMilliseconds: ttlMilliseconds)
        return try queue.exclusively { () throws(StorageError) -> Bool in
            try SQLiteLockTable.renew(
                name, holder: holder, ttlMilliseconds: ttlMilliseconds, now: Clock.now().milliseconds,
                on: writer.connection)
        }
    }

    /// Gives the lock up if `holder` has it.
    public func releaseLock(_ name: String, holder: String) throws(StorageError) {
        try LockArguments.check(name: name, holder: holder)
        try queue.exclusively { () throws(StorageError) in
            try SQLiteLockTable.release(name, holder: holder, on: writer.connection)
        }
    }

    /// The live holder of the lock, or `nil` when it is free or expired; read on a reader connection.
    public func lockHolder(_ name: String) throws(StorageError) -> LockHolder? {
        try readers.withConnection { (connection) throws(StorageError) -> LockHolder? in
            try SQLiteLockTable.holder(name, now: Clock.now().milliseconds, on: connection)
        }
    }
}
