import Glibc

/// Runs closures on detached POSIX threads and lets one caller wait until all of them have finished.
///
/// The listener's threads block in `poll` and in OpenSSL for as long as a connection lives, which is why they
/// are real threads rather than tasks on Swift's small cooperative pool.
// @unchecked: `running` and `members` are only touched with `mutex` held.
final class ThreadGroup: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let finished: UnsafeMutablePointer<pthread_cond_t>
    private var running = 0
    /// The threads that have started their closure and not yet finished it.
    private var members: Set<pthread_t> = []

    /// An empty group.
    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        finished = .allocate(capacity: 1)
        finished.initialize(to: pthread_cond_t())
        pthread_cond_init(finished, nil)
    }

    deinit {
        pthread_cond_destroy(finished)
        finished.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Starts `body` on a new thread.
    func spawn(_ body: @escaping @Sendable () -> Void) throws(TransportError) {
        locked { running += 1 }
        let job = Unmanaged.passRetained(Job(group: self, body: body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(
            &thread, nil,
            { argument in
                guard let argument else { return nil }
                Unmanaged<Job>.fromOpaque(argument).takeRetainedValue().run()
                return nil
            }, job)
        guard status == 0 else {
            Unmanaged<Job>.fromOpaque(job).release()
            locked {
                running -= 1
                pthread_cond_broadcast(finished)
            }
            throw SystemFailure.error(.io, "pthread_create", errno: status)
        }
        pthread_detach(thread)
    }

    /// Blocks until every thread started so far has returned from its closure.
    ///
    /// Called from one of the group's own threads, it waits for all the others.
    func waitUntilIdle() {
        pthread_mutex_lock(mutex)
        let own = members.contains(pthread_self()) ? 1 : 0
        while running > own {
            pthread_cond_wait(finished, mutex)
        }
        pthread_mutex_unlock(mutex)
    }

    private func threadStarted() {
        locked { _ = members.insert(pthread_self()) }
    }

    private func threadFinished() {
        locked {
            members.remove(pthread_self())
            running -= 1
            pthread_cond_broadcast(finished)
        }
    }

    private func locked(_ body: () -> Void) {
        pthread_mutex_lock(mutex)
        body()
        pthread_mutex_unlock(mutex)
    }

    /// What one thread runs; it keeps the group alive until the thread has reported its end.
    private final class Job {
        let group: ThreadGroup
        let body: @Sendable () -> Void

        init(group: ThreadGroup, body: @escaping @Sendable () -> Void) {
            self.group = group
            self.body = body
        }

        func run() {
            group.threadStarted()
            body()
            group.threadFinished()
        }
    }
}
