/// SQLite's `synchronous` setting: how often the writer waits for the disk.
///
/// In WAL mode `full` syncs the log at every commit, so a committed batch survives power loss;
/// `normal` may lose the latest commits on power loss (never on a process crash); `off` leaves
/// syncing to the operating system.
public enum SQLiteSynchronous: String, Sendable {
    /// No fsync from SQLite.
    case off
    /// fsync at checkpoints only.
    case normal
    /// fsync at every commit: the durable default.
    case full
}
