import Glibc
import Synchronization

/// One forwarded write waiting for its result from the primary.
final class ForwardWaiter: @unchecked Sendable {  // `semaphore` is used only through sem_* calls.
    typealias Outcome = Result<(status: Int, body: [UInt8], index: UInt64), ReplicationError>

    private let result = Mutex<Outcome?>(nil)
    private let semaphore: UnsafeMutablePointer<sem_t>

    init() {
        semaphore = .allocate(capacity: 1)
        sem_init(semaphore, 0, 0)
    }

    deinit {
        sem_destroy(semaphore)
        semaphore.deallocate()
    }

    /// Delivers the outcome; only the first delivery counts.
    func complete(_ outcome: Outcome) {
        let first = result.withLock { stored -> Bool in
            guard stored == nil else { return false }
            stored = outcome
            return true
        }
        if first { sem_post(semaphore) }
    }

    /// The outcome, or `nil` when none arrived within the timeout.
    func wait(milliseconds: Int) -> Outcome? {
        var deadline = timespec()
        clock_gettime(CLOCK_REALTIME, &deadline)
        let nanoseconds = Int(deadline.tv_nsec) + (milliseconds % 1000) * 1_000_000
        deadline.tv_sec += milliseconds / 1000 + nanoseconds / 1_000_000_000
        deadline.tv_nsec = nanoseconds % 1_000_000_000
        while sem_timedwait(semaphore, &deadline) != 0 {
            if errno != EINTR { break }
        }
        return result.withLock { $0 }
    }
}
