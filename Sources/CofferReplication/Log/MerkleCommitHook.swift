import CofferStorage
import Synchronization

/// Keeps a `MerkleIndex` current with the replicated writes committed to one storage.
///
/// Before each transaction it reads the old value of every replicated key the transaction changes (the
/// storage shows the state before the transaction) and hashes old and new leaves; the index changes only
/// once the transaction has committed, so a rollback leaves it untouched. Costs one read per distinct
/// replicated key per transaction. Installed on the storage it reads, the two keep each other alive until
/// `setCommitHook(nil)`.
public final class MerkleCommitHook: StorageCommitHook {
    private let index: MerkleIndex
    private let storage: any Storage
    private let pending = Mutex<[(old: MerkleLeaf?, new: MerkleLeaf?)]>([])

    /// A hook feeding `index` from the transactions of `storage`; prefer `MerkleIndex.hook(storage:)`.
    init(index: MerkleIndex, storage: any Storage) {
        self.index = index
        self.storage = storage
    }

    /// Prepares the leaf changes of the transaction made of `batches`; adds no operations.
    public func operations(forTransaction batches: [[StorageOperation]]) -> [StorageOperation] {
        // The last operation on a key decides its value after the transaction.
        var finalValues: [String: [UInt8]?] = [:]
        var order: [String] = []
        for operation in batches.joined() where WALDataClass.replicates(operation.key) {
            let value: [UInt8]?
            switch operation {
            case .put(_, let newValue): value = newValue
            case .delete: value = nil
            }
            if finalValues.updateValue(value, forKey: operation.key) == nil {
                order.append(operation.key)
            }
        }
        var changes: [(old: MerkleLeaf?, new: MerkleLeaf?)] = []
        changes.reserveCapacity(order.count)
        do {
            for path in order {
                let old = try storage.get(path)
                let new = finalValues[path] ?? nil
                guard old != new else { continue }
                changes.append(
                    (
                        old.map { MerkleLeaf(path: path, value: $0, bucketBits: index.bucketBits) },
                        new.map { MerkleLeaf(path: path, value: $0, bucketBits: index.bucketBits) }
                    ))
            }
        } catch {
            // Without the old value the bucket cannot be corrected; the owner sees `isStale` and rebuilds.
            index.markStale()
            changes = []
        }
        pending.withLock { $0 = changes }
        return []
    }

    /// Applies the prepared changes if the transaction committed; drops them if it rolled back.
    public func transactionFinished(committed: Bool) {
        let changes = pending.withLock { pending in
            defer { pending = [] }
            return pending
        }
        if committed {
            index.apply(changes)
        }
    }
}
