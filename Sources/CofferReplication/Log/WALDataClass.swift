/// Which keys the replication log carries.
///
/// Restates `DataClass.of` from CofferCore, which remains the source of truth: this module sits below
/// CofferCore and cannot import it. Keep the two in step.
enum WALDataClass {
    /// The prefix of every local entry, as `DataClass.localPrefix` defines it.
    static let localPrefix = "local/"

    /// Whether the entry stored at `key` replicates to secondaries.
    static func replicates(_ key: String) -> Bool {
        !key.hasPrefix(localPrefix)
    }
}
