/// Where a node is in its life: the single source of truth, changed only by `Core` under its lock.
enum NodeState: Sendable {
    /// No seal configuration in storage yet.
    case uninitialized
    /// Initialized, keys not in memory; `progress` holds the shares given so far.
    case sealed(UnsealProgress)
    /// Keys in memory and the subsystems loaded.
    case unsealed(UnsealedNode)
}

/// Shares collected towards the threshold, and the nonce that names this attempt.
struct UnsealProgress: Sendable {
    var shares: [[UInt8]] = []
    var nonce: String = ""
}
