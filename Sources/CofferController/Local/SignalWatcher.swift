import Glibc
import Synchronization

/// SIGINT and SIGTERM, blocked for every thread and collected here: long-running commands check
/// `received` between steps and wind down in order instead of dying mid-step.
public final class SignalWatcher: Sendable {
    private let seen = Atomic<Int32>(0)

    /// Blocks the signals; call before any thread starts, so that every thread inherits the mask.
    public init() {
        var set = Self.set()
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Whether a termination signal arrived, waiting up to `seconds` for one.
    public func received(waiting seconds: Double = 0) -> Bool {
        if seen.load(ordering: .relaxed) != 0 { return true }
        var set = Self.set()
        var timeout = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        let signal = sigtimedwait(&set, nil, &timeout)
        if signal > 0 { seen.store(signal, ordering: .relaxed) }
        return seen.load(ordering: .relaxed) != 0
    }

    private static func set() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        return set
    }
}
