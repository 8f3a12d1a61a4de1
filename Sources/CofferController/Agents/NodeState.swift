import CofferBase

/// What one agent reports about its node (`/agent/v1/identity` and `/agent/v1/state`).
public struct NodeState: Sendable, Equatable {
    /// The node's HA role.
    public enum HARole: String, Sendable {
        case active
        case standby
        case sealed
    }

    /// The node's view of replication; meaningful on an unsealed node, authoritative on the active one.
    public struct Replication: Sendable, Equatable {
        /// `disabled`, `primary` or `secondary`.
        public var mode: String = "disabled"
        /// `running` or `fenced` on a primary; `stream-wals`, `merkle-sync`, `bootstrapping`, `idle`... on a secondary.
        public var state: String = ""
        public var clusterID: String = ""
        public var connectionState: String = ""
        public var lastWAL: Int64 = 0
        public var lastRemoteWAL: Int64 = 0
        /// The primary's last WAL as the secondary last heard it.
        public var primaryLastWAL: Int64 = 0
        public var knownSecondaries: [String] = []
        /// Connection of each secondary, as the primary sees it (`id` → `connected`/`disconnected`).
        public var secondaryConnections: [String: String] = [:]
        /// The cluster addresses of the primary a secondary follows.
        public var primaryClusterAddresses: [String] = []
        public var secondaryID: String = ""

        public init() {}
    }

    public var node: String = ""
    public var cluster: String = ""
    public var version: String = ""
    public var storage: String = ""
    public var apiAddress: String = ""
    public var clusterAddress: String = ""
    public var initialized = false
    public var sealed = true
    public var unsealProgress = 0
    public var unsealThreshold = 0
    public var keySetID: String?
    public var sealWarning: String?
    /// When an operator sealed the node with `sys/seal`; the controller then leaves it sealed.
    public var sealedByOperatorAt: String?
    /// Whether this unsealed node's keys still open the cluster's keyring; `nil` when sealed.
    public var keysCurrent: Bool?
    /// Whether the cluster holds user data; `nil` when unknown (sealed).
    public var userData: Bool?
    public var haEnabled = false
    public var haRole: HARole = .sealed
    public var leader: String?
    public var replication = Replication()

    public init() {}

    /// Reads the agent's state document; missing fields keep their defaults.
    public init(state: JSON) {
        node = state["node"]?.stringValue ?? ""
        cluster = state["cluster"]?.stringValue ?? ""
        version = state["version"]?.stringValue ?? ""
        storage = state["storage"]?.stringValue ?? ""
        apiAddress = state["api_address"]?.stringValue ?? ""
        clusterAddress = state["cluster_address"]?.stringValue ?? ""
        initialized = state["initialized"]?.boolValue ?? false
        sealed = state["sealed"]?.boolValue ?? true
        unsealProgress = Int(state["unseal"]?["progress"]?.intValue ?? 0)
        unsealThreshold = Int(state["unseal"]?["threshold"]?.intValue ?? 0)
        keySetID = state["key_set_id"]?.stringValue
        sealWarning = state["seal_warning"]?.stringValue
        sealedByOperatorAt = state["sealed_by_operator_at"]?.stringValue
        keysCurrent = state["keys_current"]?.boolValue
        userData = state["user_data"]?.boolValue
        haEnabled = state["ha"]?["enabled"]?.boolValue ?? false
        haRole = state["ha"]?["role"]?.stringValue.flatMap(HARole.init(rawValue:)) ?? (sealed ? .sealed : .active)
        leader = state["ha"]?["leader"]?.stringValue
        if let document = state["replication"] { replication = Self.replication(document) }
    }

    private static func replication(_ document: JSON) -> Replication {
        var replication = Replication()
        replication.mode = document["mode"]?.stringValue ?? "disabled"
        replication.state = document["state"]?.stringValue ?? ""
        replication.clusterID = document["cluster_id"]?.stringValue ?? ""
        replication.connectionState = document["connection_state"]?.stringValue ?? ""
        replication.lastWAL = document["last_wal"]?.intValue ?? 0
        replication.lastRemoteWAL = document["last_remote_wal"]?.intValue ?? 0
        replication.primaryLastWAL = document["primary_last_wal"]?.intValue ?? 0
        replication.knownSecondaries = document["known_secondaries"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for secondary in document["secondaries"]?.arrayValue ?? [] {
            guard let id = secondary["node_id"]?.stringValue ?? secondary["secondary_id"]?.stringValue else { continue }
            replication.secondaryConnections[id] = secondary["connection_status"]?.stringValue ?? ""
        }
        replication.primaryClusterAddresses =
            document["known_primary_cluster_addrs"]?.arrayValue?.compactMap(\.stringValue) ?? []
        replication.secondaryID = document["secondary_id"]?.stringValue ?? ""
        return replication
    }

    /// Whether the node serves requests itself.
    public var isActive: Bool { !sealed && haRole == .active }
}
