import Glibc

/// Makes writes to a vanished peer fail with `EPIPE` instead of killing the process.
///
/// OpenSSL's socket BIO writes with `write(2)`, which cannot pass `MSG_NOSIGNAL`, so SIGPIPE must be ignored
/// process-wide. Coffer's agent ignores it at start; doing it here as well keeps tests and tools safe.
enum BrokenPipe {
    /// Ignores SIGPIPE; runs the `signal` call once per process.
    static func ignore() {
        _ = once
    }

    private static let once: Void = {
        _ = signal(SIGPIPE, SIG_IGN)
    }()
}
