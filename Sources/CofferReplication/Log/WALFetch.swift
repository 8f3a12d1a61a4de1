/// The answer to a sender asking the primary's log for the records after an index.
public enum WALFetch: Sendable, Equatable {
    /// The next records in index order; empty when the asker is caught up.
    case records([WALRecord])
    /// The log no longer holds (or never held) the next record: the asker must fall back to a merkle sync.
    case unavailable
}
