import CofferBase

/// One forwarded write waiting for its result from the primary.
final class ForwardWaiter: @unchecked Sendable {  // `outcome` is read and written only under `lock`.
    typealias Outcome = Result<(status: Int, body: [UInt8], index: UInt64), ReplicationError>

    private let lock = ConditionLock()
    private var outcome: Outcome?

    /// Delivers the outcome; only the first delivery counts.
    func complete(_ outcome: Outcome) {
        lock.withLock {
            guard self.outcome == nil else { return }
            self.outcome = outcome
            lock.broadcast()
        }
    }

    /// The outcome, or `nil` when none arrived within the timeout.
    func wait(milliseconds: Int) -> Outcome? {
        lock.withLock {
            _ = lock.wait(timeoutMilliseconds: milliseconds) { outcome != nil }
            return outcome
        }
    }
}
