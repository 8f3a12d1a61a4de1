import CEvent
import Synchronization

/// Turns on libevent's pthread locking once per process.
///
/// It must happen before the first `event_base_new`; otherwise waking a loop from another thread (as
/// `HTTPServer.stop` does) is not safe.
enum LibeventThreading {
    private static let enabled = Mutex<Bool>(false)

    /// Calls `evthread_use_pthreads` unless an earlier call already did.
    static func enable() throws(HTTPServerError) {
        try enabled.withLock { (done: inout Bool) throws(HTTPServerError) in
            guard !done else { return }
            guard evthread_use_pthreads() == 0 else {
                throw HTTPServerError(code: .eventLoop, reason: "evthread_use_pthreads failed")
            }
            done = true
        }
    }
}
