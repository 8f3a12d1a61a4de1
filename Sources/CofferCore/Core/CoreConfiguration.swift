/// What a node knows about itself before it is unsealed.
public struct CoreConfiguration: Sendable {
    /// The cluster's name as `sys/seal-status` and `sys/health` report it; generated when empty.
    public var clusterName: String
    /// This node's name.
    public var nodeName: String
    /// The storage kind reported in `sys/seal-status` (`sqlite`, `inmem`, ...).
    public var storageType: String
    /// The node's own API address, advertised in `sys/leader`.
    public var apiAddress: String

    public init(clusterName: String = "", nodeName: String = "", storageType: String, apiAddress: String = "") {
        self.clusterName = clusterName
        self.nodeName = nodeName
        self.storageType = storageType
        self.apiAddress = apiAddress
    }
}

/// The release this build reports.
public enum CofferVersion {
    public static let string = "0.1.0"
}
