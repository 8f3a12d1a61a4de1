import Glibc

/// A value guarded by a `pthread_rwlock_t`: many readers at once, one writer alone.
///
/// For read-mostly state on the request path (node state, caches, the keyring).
/// `Synchronization.Mutex` is a priority-inheritance futex on Linux, so every contended
/// acquisition enters the kernel; concurrent readers of an rwlock never wait on one another.
public final class ReadWriteLock<Value>: @unchecked Sendable {  // The rwlock guards `value`.
    private var value: Value
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>

    public init(_ value: Value) {
        self.value = value
        lock = .allocate(capacity: 1)
        lock.initialize(to: pthread_rwlock_t())
        pthread_rwlock_init(lock, nil)
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    /// Runs `body` with shared access.
    public func read<Result, Failure: Error>(_ body: (Value) throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body(value)
    }

    /// Runs `body` with exclusive access.
    public func write<Result, Failure: Error>(
        _ body: (inout Value) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body(&value)
    }

    /// A copy of the value.
    public var current: Value { read { $0 } }
}
