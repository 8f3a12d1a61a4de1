import CofferBase

/// One step the controller takes to bring the world to the manifest.
public struct Action: Sendable, Equatable {
    /// What the step does.
    public enum Kind: String, Sendable {
        /// `sys/init` on the cluster's bootstrap node; the shares go to custody first thing.
        case initialize = "init"
        /// `sys/unseal` on one node with the shares of the key set it reports.
        case unseal
        /// `primary/enable` on the primary cluster.
        case enablePrimary = "enable-primary"
        /// A just-in-time activation token from the primary, then `secondary/enable` on the cluster.
        case activateSecondary = "activate-secondary"
        /// `primary/revoke-secondary` for a secondary that left the manifest.
        case revokeSecondary = "revoke-secondary"
        /// `primary/demote` on the old primary, then `secondary/promote` on the new one.
        case movePrimary = "move-primary"
        /// `secondary/promote` alone, when the old primary is already demoted or gone.
        case promote
        /// `primary/demote` on a cluster that reports primary while the manifest names another.
        case demote
        /// A token from the primary, then `secondary/update-primary` on a secondary that follows another.
        case updatePrimary = "update-primary"
    }

    public var kind: Kind
    /// The cluster the action changes.
    public var cluster: String
    /// The node the action is sent to, when it is one node's business.
    public var node: String?
    /// The other cluster involved: the primary of an activation or update, the old primary of a move.
    public var peer: String?
    /// For `unseal`: the key set whose shares open the node.
    public var keySetID: String?
    /// For `revoke-secondary`: the secondary id to revoke.
    public var secondaryID: String?
    /// Why the controller wants this, in words an operator can check.
    public var reason: String
    /// Whether the action destroys data (an activation over a cluster that holds user data).
    public var destructive = false

    public init(
        _ kind: Kind, cluster: String, node: String? = nil, peer: String? = nil, keySetID: String? = nil,
        secondaryID: String? = nil, reason: String, destructive: Bool = false
    ) {
        self.kind = kind
        self.cluster = cluster
        self.node = node
        self.peer = peer
        self.keySetID = keySetID
        self.secondaryID = secondaryID
        self.reason = reason
        self.destructive = destructive
    }

    /// `cluster/node` or `cluster`.
    public var target: String { node.map { "\(cluster)/\($0)" } ?? cluster }

    /// The JSON form of `plan -o json`.
    public var json: JSON {
        var object: [String: JSON] = [
            "action": .string(kind.rawValue), "cluster": .string(cluster), "reason": .string(reason),
            "destructive": .bool(destructive),
        ]
        if let node { object["node"] = .string(node) }
        if let peer { object["peer"] = .string(peer) }
        if let secondaryID { object["secondary_id"] = .string(secondaryID) }
        return .object(object)
    }
}
