import CofferBase
import Synchronization

/// Storage held in process memory, for dev mode and tests; nothing survives the process.
///
/// Reads take only the data lock. Commits are serialized by a second lock that also guards the
/// commit hook, so the hook runs in commit order and may itself read the storage without deadlock.
public final class InMemoryStorage: Storage {
    private let data = Mutex(SortedEntries())
    // Held for the whole of a commit, hook calls included; the data lock is taken only to apply.
    private let commitHook = Mutex<(any StorageCommitHook)?>(nil)
    // HA locks by the bytes of their name (as the SQL backends compare names, not by Swift's canonical
    // equivalence), by the wall clock of this process; expired records stay until overwritten.
    private let locks = Mutex<[[UInt8]: LockHolder]>([:])

    /// An empty storage.
    public init() {}

    /// The value stored at `key`, or `nil`.
    public func get(_ key: String) throws(StorageError) -> [UInt8]? {
        data.withLock { $0.value(forKey: key) }
    }

    /// The immediate children of the folder `prefix`, in UTF-8 byte order.
    public func list(prefix: String) throws(StorageError) -> [String] {
        data.withLock { $0.list(prefix: prefix) }
    }

    /// Every key that starts with `prefix`, in UTF-8 byte order.
    public func keys(prefix: String) throws(StorageError) -> [String] {
        data.withLock { $0.keys(prefix: prefix) }
    }

    /// Applies the operations atomically, with any operations the commit hook adds; an empty batch is a no-op.
    public func commit(_ operations: [StorageOperation]) throws(StorageError) {
        guard !operations.isEmpty else { return }
        try operations.validate()
        try commitHook.withLock { (hook: inout (any StorageCommitHook)?) throws(StorageError) in
            let extra = hook?.operations(forTransaction: [operations]) ?? []
            do throws(StorageError) {
                try extra.validate()
            } catch {
                hook?.transactionFinished(committed: false)
                throw error
            }
            data.withLock { $0.apply(operations + extra) }
            hook?.transactionFinished(committed: true)
        }
    }

    /// Installs the observer of every later commit; `nil` removes it.
    public func setCommitHook(_ hook: (any StorageCommitHook)?) {
        commitHook.withLock { $0 = hook }
    }

    /// Takes the lock when it is free or expired, or renews it for its holder, by the wall clock.
    public func acquireLock(
        _ name: String, holder: String, value: [UInt8], ttlMilliseconds: Int
    ) throws(StorageError) -> Bool {
        try LockArguments.check(name: name, holder: holder, ttlMilliseconds: ttlMilliseconds)
        let now = Clock.now().milliseconds
        return locks.withLock { locks in
            let key = Array(name.utf8)
            if let current = locks[key], !current.holder.utf8.elementsEqual(holder.utf8),
                current.expiresAtMilliseconds > now
            {
                return false
            }
            locks[key] = LockHolder(holder: holder, expiresAtMilliseconds: now + Int64(ttlMilliseconds), value: value)
            return true
        }
    }

    /// Extends the lease while `holder` still has the lock.
    public func renewLock(_ name: String, holder: String, ttlMilliseconds: Int) throws(StorageError) -> Bool {
        try LockArguments.check(name: name, holder: holder, ttlMilliseconds: ttlMilliseconds)
        let now = Clock.now().milliseconds
        return locks.withLock { locks in
            let key = Array(name.utf8)
            guard let current = locks[key], current.holder.utf8.elementsEqual(holder.utf8) else { return false }
            locks[key] = LockHolder(
                holder: holder, expiresAtMilliseconds: now + Int64(ttlMilliseconds), value: current.value)
            return true
        }
    }

    /// Gives the lock up if `holder` has it.
    public func releaseLock(_ name: String, holder: String) throws(StorageError) {
        try LockArguments.check(name: name, holder: holder)
        locks.withLock { locks in
            let key = Array(name.utf8)
            if let current = locks[key], current.holder.utf8.elementsEqual(holder.utf8) {
                locks[key] = nil
            }
        }
    }

    /// The live holder of the lock, or `nil` when it is free or expired.
    public func lockHolder(_ name: String) throws(StorageError) -> LockHolder? {
        let now = Clock.now().milliseconds
        return locks.withLock { locks in
            guard let current = locks[Array(name.utf8)], current.expiresAtMilliseconds > now else { return nil }
            return current
        }
    }
}
