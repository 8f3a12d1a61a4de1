import CofferBase

/// Where the active node of this cluster can be reached, as it advertises itself in storage.
public struct LeaderAdvertisement: Sendable, Equatable {
    public var nodeName: String
    public var apiAddress: String
    public var clusterAddress: String
    public var activeSince: Timestamp

    public init(nodeName: String, apiAddress: String, clusterAddress: String, activeSince: Timestamp) {
        self.nodeName = nodeName
        self.apiAddress = apiAddress
        self.clusterAddress = clusterAddress
        self.activeSince = activeSince
    }
}

/// What the HA layer plugs into the core (DESIGN.md §5): forwarding to the active node and stepping down.
public protocol HAExtension: AnyObject, Sendable {
    /// Serves a request on the active node through the cluster port; `nil` when forwarding is not
    /// available, and the core answers with a 307 to the active node instead.
    func forwardToActive(_ request: VaultRequest) -> VaultResponse?

    /// Gives up the active role (`sys/step-down`).
    func stepDown()

    /// The cluster's storage was replaced (activation as a secondary wiped it), cluster-local HA
    /// records included; the active node writes them again.
    func storageWasReplaced()
}

/// The HA role of this node, changed only by the HA layer.
struct HAStatus: Sendable {
    var enabled = false
    var active = false
    var leader: LeaderAdvertisement?
    var extensionObject: (any HAExtension)?
    /// Why the node sealed itself, for `sys/seal-status`; cleared by the next unseal.
    var sealReason: String?
    /// When an operator sealed the node with `sys/seal`; cleared by the next unseal or a restart.
    var operatorSealedAt: Timestamp?
}
