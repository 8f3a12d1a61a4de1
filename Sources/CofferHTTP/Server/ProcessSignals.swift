import Glibc

/// Process-wide signal dispositions a network server needs.
public enum ProcessSignals {
    /// Ignores SIGPIPE, so a peer that closes mid-write yields `EPIPE` instead of killing the process.
    ///
    /// OpenSSL's socket BIO writes with plain `write(2)`, which raises SIGPIPE on a closed connection.
    public static func ignoreSIGPIPE() {
        signal(SIGPIPE, SIG_IGN)
    }
}
