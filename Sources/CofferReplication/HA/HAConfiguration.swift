/// How a node takes part in its cluster's HA election (DESIGN.md §5).
public struct HAConfiguration: Sendable {
    /// This node's name, unique in the cluster: the holder id of the HA lock.
    public var nodeName: String
    /// The API address clients are redirected to when this node is active.
    public var apiAddress: String
    /// The cluster address this node advertises when active.
    public var clusterAddress: String
    /// How long the active node's lease lasts without renewal: the bound on failover time.
    public var lockTTLMilliseconds: Int = 5000
    /// How often a standby looks at the lock, and the active node renews it (a third of the TTL at most).
    public var pollMilliseconds: Int = 500

    public init(nodeName: String, apiAddress: String, clusterAddress: String) {
        self.nodeName = nodeName
        self.apiAddress = apiAddress
        self.clusterAddress = clusterAddress
    }
}
