import Glibc

/// Starts a joinable pthread for long-lived replication work (stream senders, readers, links).
///
/// Replication connections block in OpenSSL reads and writes, which must not tie up the
/// cooperative pool of Swift concurrency, so each runs on a thread of its own.
final class DetachedThread: @unchecked Sendable {  // `handle` is written once, before any other use.
    private var handle = pthread_t()

    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// Runs `body` on a new thread.
    @discardableResult
    static func start(_ body: @escaping @Sendable () -> Void) -> DetachedThread {
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

    /// Waits for the thread to finish.
    func join() {
        pthread_join(handle, nil)
    }
}
