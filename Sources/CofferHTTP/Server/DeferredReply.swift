import Synchronization

/// A request handled on a ``BlockingPool`` thread, carried back to its event loop with the reply.
// @unchecked: `request` is touched only on the worker's loop thread; `response` is written by the one
// pool thread that handles the request, before the reply is handed to the loop, which then reads it.
final class DeferredReply: @unchecked Sendable {
    let request: OpaquePointer
    let worker: EventLoopWorker
    var response: HTTPResponse?

    init(request: OpaquePointer, worker: EventLoopWorker) {
        self.request = request
        self.worker = worker
    }
}

/// How many deferred replies are on their way, so that stopping the server can wait until every
/// one has been written before the event loops end.
final class OutstandingReplies: Sendable {
    private let count = Atomic<Int>(0)

    init() {}

    func started() { count.add(1, ordering: .relaxed) }

    func finished() { count.subtract(1, ordering: .relaxed) }

    /// Whether every deferred reply has been written.
    var isEmpty: Bool { count.load(ordering: .relaxed) <= 0 }
}
