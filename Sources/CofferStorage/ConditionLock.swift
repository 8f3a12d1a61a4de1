import Glibc

/// A pthread mutex with one condition variable, which `Synchronization.Mutex` lacks.
///
/// Both live in heap memory of their own, as pthread objects must not move once initialised.
// The pthread mutex makes every method safe to call from any thread.
final class ConditionLock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    /// A new, unlocked lock (`pthread_mutex_init`, `pthread_cond_init`).
    init() {
        let mutexResult = pthread_mutex_init(mutex, nil)
        precondition(mutexResult == 0, "pthread_mutex_init failed: \(mutexResult)")
        let conditionResult = pthread_cond_init(condition, nil)
        precondition(conditionResult == 0, "pthread_cond_init failed: \(conditionResult)")
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` holding the mutex.
    func withLock<Value, Failure: Error>(_ body: () throws(Failure) -> Value) throws(Failure) -> Value {
        let lockResult = pthread_mutex_lock(mutex)
        precondition(lockResult == 0, "pthread_mutex_lock failed: \(lockResult)")
        defer {
            let unlockResult = pthread_mutex_unlock(mutex)
            precondition(unlockResult == 0, "pthread_mutex_unlock failed: \(unlockResult)")
        }
        return try body()
    }

    /// Releases the mutex until `broadcast` is called, then takes it again; call only inside `withLock`.
    ///
    /// Wake-ups may be spurious: callers re-check their condition in a loop.
    func wait() {
        let result = pthread_cond_wait(condition, mutex)
        precondition(result == 0, "pthread_cond_wait failed: \(result)")
    }

    /// Wakes every thread waiting in `wait`.
    func broadcast() {
        pthread_cond_broadcast(condition)
    }
}
