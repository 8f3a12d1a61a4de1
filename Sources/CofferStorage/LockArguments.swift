/// The argument checks every backend applies to HA-lock calls before touching its lock table.
enum LockArguments {
    /// The longest lease accepted: about 24 days, far beyond any sensible TTL, and small enough that
    /// `now + ttl` cannot overflow.
    static let maximumTTLMilliseconds = Int(Int32.max)

    /// Throws `invalidArgument` for an empty lock or holder name.
    static func check(name: String, holder: String) throws(StorageError) {
        if name.isEmpty {
            throw StorageError(.invalidArgument, "lock name is empty")
        }
        if holder.isEmpty {
            throw StorageError(.invalidArgument, "lock holder is empty")
        }
    }

    /// Throws `invalidArgument` for empty names or a TTL outside `1...maximumTTLMilliseconds`.
    static func check(name: String, holder: String, ttlMilliseconds: Int) throws(StorageError) {
        try check(name: name, holder: holder)
        guard (1...maximumTTLMilliseconds).contains(ttlMilliseconds) else {
            throw StorageError(.invalidArgument, "lock TTL must be between 1 ms and \(maximumTTLMilliseconds) ms")
        }
    }
}
