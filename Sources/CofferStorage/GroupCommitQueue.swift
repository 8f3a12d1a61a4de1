import CofferBase

/// Merges concurrent commits into shared transactions, so one fsync serves many callers.
///
/// Leader/follower scheme: a caller queues its batch, then waits while another caller's
/// transaction is running. The first caller to find none running becomes the leader: it takes every
/// batch queued so far (its own included), runs them as one group outside the lock, records the
/// group's outcome on each of their tickets and wakes everyone. Followers whose batch was in that
/// group return the shared outcome; those that queued meanwhile elect the next leader among
/// themselves. Each batch therefore lands in exactly one group, groups run one at a time in the
/// order they were formed, and a batch is never split across transactions.
///
/// Exclusive work (`exclusively`) has priority: once it waits, no new group starts, so it waits for
/// the running group at most, never for the queue behind it.
// Every mutable property is guarded by `lock`.
final class GroupCommitQueue: @unchecked Sendable {
    /// One caller's batch, and the outcome of the group it ran in once known.
    private final class Ticket {
        let batch: [StorageOperation]
        var outcome: Result<Void, StorageError>?

        init(batch: [StorageOperation]) {
            self.batch = batch
        }
    }

    /// What a caller does once it holds the lock.
    private enum Role {
        /// Its batch ran in another caller's group, with this outcome.
        case follower(Result<Void, StorageError>)
        /// It runs this group, its own batch included.
        case leader([Ticket])
    }

    private let lock = ConditionLock()
    private var queued: [Ticket] = []
    private var running = false
    private var exclusiveWaiters = 0

    /// An idle queue.
    init() {}

    /// Batches waiting for the next group, for tests and metrics.
    var waitingBatchCount: Int {
        lock.withLock { queued.count }
    }

    /// Callers of `exclusively` waiting for the running group, for tests.
    var waitingExclusiveCount: Int {
        lock.withLock { exclusiveWaiters }
    }

    /// Queues `batch` and returns once the group containing it has finished.
    ///
    /// - Parameter runGroup: runs the batches of one group, in order, as one transaction; called only
    ///   if this caller becomes the leader, and never while another group runs.
    /// - Throws: the group's error: a failed group fails every batch in it.
    func commit(
        _ batch: [StorageOperation],
        runGroup: ([[StorageOperation]]) -> Result<Void, StorageError>
    ) throws(StorageError) {
        let ticket = Ticket(batch: batch)
        let role: Role = lock.withLock {
            queued.append(ticket)
            while ticket.outcome == nil && (running || exclusiveWaiters > 0) {
                lock.wait()
            }
            if let outcome = ticket.outcome {
                return .follower(outcome)
            }
            running = true
            let group = queued
            queued.removeAll(keepingCapacity: true)
            return .leader(group)
        }
        switch role {
        case .follower(let outcome):
            return try outcome.get()
        case .leader(let group):
            let outcome = runGroup(group.map(\.batch))
            lock.withLock {
                for member in group {
                    member.outcome = outcome
                }
                running = false
                lock.broadcast()
            }
            return try outcome.get()
        }
    }

    /// Runs `body` while no group runs and none can start, for work that needs the writer alone.
    func exclusively<Value>(_ body: () throws(StorageError) -> Value) throws(StorageError) -> Value {
        lock.withLock {
            exclusiveWaiters += 1
            while running {
                lock.wait()
            }
            exclusiveWaiters -= 1
            running = true
        }
        defer {
            lock.withLock {
                running = false
                lock.broadcast()
            }
        }
        return try body()
    }
}
