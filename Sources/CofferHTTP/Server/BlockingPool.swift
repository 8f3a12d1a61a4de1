import CofferBase

/// Threads that run handlers which may block (a durable write waits for its group commit), so that
/// an event loop keeps serving its other connections meanwhile, and concurrent writers reach the
/// group commit together instead of one per event loop.
final class BlockingPool: @unchecked Sendable {  // `jobs`, `head` and `stopping` are guarded by `lock`.
    private let lock = ConditionLock()
    private var jobs: [@Sendable () -> Void] = []
    private var head = 0
    private var stopping = false
    private var threads: [DetachedThread] = []

    /// Starts `threadCount` threads.
    init(threadCount: Int) {
        let started = (0..<max(1, threadCount)).map { _ in DetachedThread.start { [unowned self] in work() } }
        lock.withLock { threads = started }
    }

    /// Queues `job`; `false` once the pool is shutting down.
    func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        lock.withLock {
            guard !stopping else { return false }
            jobs.append(job)
            lock.broadcast()
            return true
        }
    }

    /// Runs every queued job to its end, then stops and joins the threads.
    func shutdown() {
        let running = lock.withLock { () -> [DetachedThread] in
            stopping = true
            lock.broadcast()
            let running = threads
            threads = []
            return running
        }
        for thread in running { thread.join() }
    }

    private func work() {
        while let job = next() { job() }
    }

    private func next() -> (@Sendable () -> Void)? {
        lock.withLock {
            while head == jobs.count, !stopping { lock.wait() }
            guard head < jobs.count else { return nil }
            let job = jobs[head]
            head += 1
            if head > 1024, head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            return job
        }
    }
}
