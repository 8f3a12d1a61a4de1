import Glibc

/// A joinable pthread for long-lived work that blocks: replication connections, which sit in
/// OpenSSL reads and writes, and the core's lease expiry, which waits on storage.
///
/// Blocking work must not tie up the cooperative pool of Swift concurrency, so each such loop
/// runs on a thread of its own.
public final class DetachedThread: @unchecked Sendable {  // `handle` is written once, before any other use.
    private var handle = pthread_t()

    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// Runs `body` on a new thread (`pthread_create`).
    @discardableResult
    public static func start(_ body: @escaping @Sendable () -> Void) -> DetachedThread {
        let thread = DetachedThread()
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        let result = pthread_create(
            &thread.handle, nil,
            { argument in
                let box = Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue()
                box.body()
                return nil
            }, box)
        precondition(result == 0, "pthread_create failed")
        return thread
    }

    /// Waits for the thread to finish (`pthread_join`).
    public func join() {
        pthread_join(handle, nil)
    }

    /// Lets the thread free its resources when it ends, for a thread nobody joins (`pthread_detach`).
    /// Call it at most once, and never together with `join`.
    public func detach() {
        pthread_detach(handle)
    }
}
