import CofferStorage

/// Several commit hooks installed as one, since a storage holds a single hook: on the primary, the
/// `WriteAheadLog` and the `MerkleIndex`'s hook.
///
/// Every hook sees the transaction's own batches (not the operations earlier hooks add) and is told the
/// outcome, in the order given.
public final class CommitHookChain: StorageCommitHook {
    private let hooks: [any StorageCommitHook]

    /// A chain calling `hooks` in order.
    public init(_ hooks: [any StorageCommitHook]) {
        self.hooks = hooks
    }

    /// The operations every hook adds, concatenated in hook order.
    public func operations(forTransaction batches: [[StorageOperation]]) -> [StorageOperation] {
        hooks.flatMap { $0.operations(forTransaction: batches) }
    }

    /// Tells every hook the outcome.
    public func transactionFinished(committed: Bool) {
        for hook in hooks {
            hook.transactionFinished(committed: committed)
        }
    }
}
