/// Whether a stored entry replicates to secondary clusters or stays with its own cluster.
///
/// This is the one place that decides (DESIGN.md §3): every local entry lives below `local/`, so
/// the class follows from the key alone and no caller needs to know the mount table.
public enum DataClass: Sendable, Equatable {
    case replicated
    case local

    /// The prefix of every local entry: tokens, leases, local mounts' data and tables, HA state,
    /// replication bookkeeping and node identity.
    public static let localPrefix = "local/"

    /// The class of the entry stored at `key`.
    public static func of(_ key: String) -> DataClass {
        key.hasPrefix(localPrefix) ? .local : .replicated
    }
}
