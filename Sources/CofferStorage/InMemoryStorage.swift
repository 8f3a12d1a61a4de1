import Synchronization

/// Storage held in process memory, for dev mode and tests; nothing survives the process.
///
/// Reads take only the data lock. Commits are serialized by a second lock that also guards the
/// commit hook, so the hook runs in commit order and may itself read the storage without deadlock.
public final class InMemoryStorage: Storage {
    private let data = Mutex(SortedEntries())
    // Held for the whole of a commit, hook calls included; the data lock is taken only to apply.
    private let commitHook = Mutex<(any StorageCommitHook)?>(nil)

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
}
