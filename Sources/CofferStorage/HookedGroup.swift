import Synchronization

/// Runs one group-commit transaction around the commit hook, for every backend: the hook sees the
/// batches and adds its operations, the transaction runs, the hook learns the outcome, and the
/// counter of committed transactions moves, all before the next group may start.
func runHookedGroup(
    _ batches: [[StorageOperation]], hook: (any StorageCommitHook)?, committed: borrowing Atomic<Int>,
    transaction: ([StorageOperation]) throws(StorageError) -> Void
) -> Result<Void, StorageError> {
    let extra = hook?.operations(forTransaction: batches) ?? []
    let outcome = Result { () throws(StorageError) in try transaction(extra) }
    if case .success = outcome {
        committed.add(1, ordering: .relaxed)
    }
    hook?.transactionFinished(committed: (try? outcome.get()) != nil)
    return outcome
}
