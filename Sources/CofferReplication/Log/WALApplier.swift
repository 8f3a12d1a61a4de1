import CofferBase
import CofferStorage
import Synchronization

/// The secondary's side of the log (DESIGN.md §4): applies the primary's records strictly in index order,
/// each batch in one storage transaction together with `last_remote_wal`.
///
/// It writes only replicated keys and its own bookkeeping key: a record that would write below `local/`
/// is refused whole, so that a hostile or broken primary cannot touch the secondary's tokens, leases or
/// local mounts.
// `last` is guarded by `lock`; `applying` serializes the writers so each sees the index the last one stored.
public final class WALApplier: @unchecked Sendable {
    private let storage: any Storage
    private let lock = ConditionLock()
    private var last: UInt64
    private let applying = Mutex(())
    private let observers = Mutex<[@Sendable (WALRecord) -> Void]>([])

    /// Opens the applier on the secondary's `storage`, reading its persisted `last_remote_wal`.
    ///
    /// - Throws: `corrupt` for an unreadable counter, `storage` when it cannot be read.
    public init(storage: any Storage) throws(WALError) {
        self.storage = storage
        last = try WALKeys.readCounter(WALKeys.lastRemoteIndex, from: storage) ?? 0
    }

    /// The index of the newest applied record (`last_remote_wal`); 0 before the first.
    public var lastRemoteIndex: UInt64 {
        lock.withLock { last }
    }

    /// Registers `observer`, called with each applied record after its transaction committed, in index order.
    ///
    /// Observers run while `apply` holds its serialization: they must not call `apply` themselves.
    public func addObserver(_ observer: @escaping @Sendable (WALRecord) -> Void) {
        observers.withLock { $0.append(observer) }
    }

    /// Applies `records` in one storage transaction with the new `last_remote_wal`.
    ///
    /// Records at or below `lastRemoteIndex` are skipped, so a resent batch is harmless; the rest must
    /// continue the sequence without a hole. Nothing is applied when any check fails.
    ///
    /// - Throws: `gap` when a record does not follow its predecessor (the caller runs a merkle sync),
    ///   `localKey` when a record writes or deletes a local key, `storage` when the commit fails.
    public func apply(_ records: [WALRecord]) throws(WALError) {
        try applying.withLock { _ throws(WALError) in
            var next = lastRemoteIndex + 1
            var fresh: [WALRecord] = []
            for record in records where record.index >= next {
                guard record.index == next else {
                    throw WALError(.gap, "expected WAL record \(next), received \(record.index)")
                }
                guard record.operations.allSatisfy({ WALDataClass.replicates($0.key) }) else {
                    throw WALError(.localKey, "WAL record \(record.index) writes a local key")
                }
                fresh.append(record)
                next += 1
            }
            guard let newest = fresh.last else { return }
            var operations = fresh.flatMap(\.operations)
            operations.append(.put(key: WALKeys.lastRemoteIndex, value: WALKeys.encodeCounter(newest.index)))
            try commit(operations, newLast: newest.index)
            let observers = self.observers.withLock { $0 }
            for record in fresh {
                for observer in observers {
                    observer(record)
                }
            }
        }
    }

    /// Sets `last_remote_wal` after the replicated data was brought level by other means (a snapshot or a
    /// merkle sync), so that streaming resumes after `index`.
    ///
    /// - Throws: `storage` when the counter cannot be stored.
    public func setLastRemoteIndex(_ index: UInt64) throws(WALError) {
        try applying.withLock { _ throws(WALError) in
            try commit([.put(key: WALKeys.lastRemoteIndex, value: WALKeys.encodeCounter(index))], newLast: index)
        }
    }

    /// Waits until `lastRemoteIndex` reaches `index` or `timeoutMilliseconds` have passed, for a secondary
    /// answering a forwarded write only once the write has come back through the log.
    ///
    /// - Returns: whether `lastRemoteIndex >= index` on return.
    public func waitForIndex(_ index: UInt64, timeoutMilliseconds: Int) -> Bool {
        lock.withLock {
            lock.wait(timeoutMilliseconds: timeoutMilliseconds) { last >= index }
        }
    }

    private func commit(_ operations: [StorageOperation], newLast: UInt64) throws(WALError) {
        do {
            try storage.commit(operations)
        } catch {
            throw WALError(storage: error)
        }
        lock.withLock {
            last = newLast
            lock.broadcast()
        }
    }
}
