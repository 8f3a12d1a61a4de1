import Glibc

/// A pthread mutex with one condition variable, which `Synchronization.Mutex` lacks; waits can
/// time out on the monotonic clock. Both pthread objects live in heap memory of their own, as
/// they must not move once initialised.
// The pthread mutex makes every method safe to call from any thread.
public final class ConditionLock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    /// A new, unlocked lock whose condition measures timeouts on `CLOCK_MONOTONIC`
    /// (`pthread_condattr_setclock`), so that wall-clock jumps neither cut nor stretch a wait.
    public init() {
        let mutexResult = pthread_mutex_init(mutex, nil)
        precondition(mutexResult == 0, "pthread_mutex_init failed: \(mutexResult)")
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        defer { pthread_condattr_destroy(&attributes) }
        let clockResult = pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        precondition(clockResult == 0, "pthread_condattr_setclock failed: \(clockResult)")
        let conditionResult = pthread_cond_init(condition, &attributes)
        precondition(conditionResult == 0, "pthread_cond_init failed: \(conditionResult)")
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` holding the mutex.
    public func withLock<Value, Failure: Error>(_ body: () throws(Failure) -> Value) throws(Failure) -> Value {
        let lockResult = pthread_mutex_lock(mutex)
        precondition(lockResult == 0, "pthread_mutex_lock failed: \(lockResult)")
        defer {
            let unlockResult = pthread_mutex_unlock(mutex)
            precondition(unlockResult == 0, "pthread_mutex_unlock failed: \(unlockResult)")
        }
        return try body()
    }

    /// Waits until `condition` holds or `timeoutMilliseconds` have passed; call only inside `withLock`.
    ///
    /// - Returns: the last evaluation of `condition`, made holding the mutex.
    public func wait(timeoutMilliseconds: Int, until condition: () -> Bool) -> Bool {
        let deadline = Self.deadline(afterMilliseconds: max(0, timeoutMilliseconds))
        while !condition() {
            if !wait(until: deadline) {
                return condition()
            }
        }
        return true
    }

    /// Releases the mutex until `broadcast` is called, then takes it again; call only inside `withLock`.
    ///
    /// Wake-ups may be spurious: callers re-check their condition in a loop.
    public func wait() {
        let result = pthread_cond_wait(condition, mutex)
        precondition(result == 0, "pthread_cond_wait failed: \(result)")
    }

    /// Wakes every thread waiting in `wait`; call inside `withLock`.
    public func broadcast() {
        pthread_cond_broadcast(condition)
    }

    /// Releases the mutex until a broadcast or `deadline` (`pthread_cond_timedwait`); `false` on timeout.
    ///
    /// Wake-ups may be spurious, so callers re-check their condition.
    private func wait(until deadline: timespec) -> Bool {
        var deadline = deadline
        let result = pthread_cond_timedwait(condition, mutex, &deadline)
        precondition(result == 0 || result == ETIMEDOUT, "pthread_cond_timedwait failed: \(result)")
        return result == 0
    }

    private static func deadline(afterMilliseconds milliseconds: Int) -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let nanoseconds = Int(now.tv_nsec) + (milliseconds % 1000) * 1_000_000
        let seconds = Int(now.tv_sec) + milliseconds / 1000 + nanoseconds / 1_000_000_000
        return timespec(tv_sec: seconds, tv_nsec: nanoseconds % 1_000_000_000)
    }
}
