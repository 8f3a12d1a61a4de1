/// The planner's picture of the world: the observed node states, changed by each planned action as
/// if it succeeded.
struct PlanningModel {
    let manifest: Manifest
    /// Reachable nodes only; an unreachable node is never assumed to be in any state.
    var nodes: [String: NodeState]
    var keySets: [KeySet]
    let journal: [Journal.Entry]
    let unreachable: Set<String>

    init(manifest: Manifest, observation: Observation, keySets: [KeySet], journal: [Journal.Entry]) {
        self.manifest = manifest
        var nodes: [String: NodeState] = [:]
        var unreachable: Set<String> = []
        for (name, observed) in observation.nodes {
            switch observed {
            case .reachable(let state): nodes[name] = state
            case .unreachable: unreachable.insert(name)
            }
        }
        self.nodes = nodes
        self.unreachable = unreachable
        self.keySets = keySets
        self.journal = journal
    }

    func states(of cluster: ClusterSpec) -> [NodeState] {
        cluster.nodes.compactMap { nodes[$0.name] }
    }

    func unreachableNodes(of cluster: ClusterSpec) -> [String] {
        cluster.nodes.map(\.name).filter { nodes[$0] == nil }
    }

    func activeNode(of cluster: ClusterSpec) -> String? {
        cluster.nodes.first { nodes[$0.name]?.isActive == true }?.name
    }

    func activeState(of cluster: ClusterSpec) -> NodeState? {
        activeNode(of: cluster).flatMap { nodes[$0] }
    }

    /// Changes the model as `action` would change the world.
    mutating func apply(_ action: Action) {
        guard let cluster = manifest.cluster(named: action.cluster) else { return }
        switch action.kind {
        case .initialize:
            let keySetID = "(new key set of \(cluster.name))"
            keySets.append(
                KeySet(
                    id: keySetID, cluster: cluster.name, created: "", threshold: manifest.unseal.threshold,
                    shares: Array(repeating: "", count: manifest.unseal.shares), rootToken: ""))
            for node in cluster.nodes where nodes[node.name] != nil {
                nodes[node.name]!.initialized = true
                nodes[node.name]!.sealed = true
                nodes[node.name]!.haRole = .sealed
                nodes[node.name]!.keySetID = keySetID
                nodes[node.name]!.userData = false
                nodes[node.name]!.replication = NodeState.Replication()
            }
        case .unseal:
            guard let name = action.node else { return }
            let hasActive = activeNode(of: cluster) != nil
            nodes[name]?.sealed = false
            nodes[name]?.sealWarning = nil
            nodes[name]?.keysCurrent = true
            nodes[name]?.haRole = hasActive ? .standby : .active
        case .enablePrimary:
            update(activeOf: cluster) {
                $0.mode = "primary"
                $0.state = "running"
                $0.clusterID = "(new replication cluster)"
            }
        case .activateSecondary:
            guard let primary = action.peer.flatMap(manifest.cluster(named:)),
                let primaryState = activeState(of: primary)
            else { return }
            let activeName = activeNode(of: cluster)
            for node in cluster.nodes where nodes[node.name] != nil {
                nodes[node.name]!.keySetID = primaryState.keySetID
                nodes[node.name]!.userData = false
                if node.name != activeName, nodes[node.name]!.sealed == false {
                    nodes[node.name]!.sealed = true
                    nodes[node.name]!.haRole = .sealed
                }
            }
            follow(cluster, primary: primary)
        case .revokeSecondary:
            update(activeOf: cluster) { replication in
                replication.knownSecondaries.removeAll { $0 == action.secondaryID }
            }
        case .movePrimary, .promote:
            if let old = action.peer.flatMap(manifest.cluster(named:)) { demote(old) }
            update(activeOf: cluster) {
                $0.mode = "primary"
                $0.state = "running"
                $0.knownSecondaries = []
            }
        case .demote:
            demote(cluster)
        case .updatePrimary:
            guard let primary = action.peer.flatMap(manifest.cluster(named:)) else { return }
            follow(cluster, primary: primary)
        }
    }

    private mutating func demote(_ cluster: ClusterSpec) {
        update(activeOf: cluster) {
            $0.mode = "secondary"
            $0.state = "idle"
            $0.primaryClusterAddresses = []
        }
    }

    private mutating func follow(_ cluster: ClusterSpec, primary: ClusterSpec) {
        let primaryState = activeState(of: primary)
        let addresses = states(of: primary).map(\.clusterAddress).filter { !$0.isEmpty }
        update(activeOf: cluster) {
            $0.mode = "secondary"
            $0.state = "stream-wals"
            $0.connectionState = "ready"
            $0.clusterID = primaryState?.replication.clusterID ?? ""
            $0.primaryClusterAddresses = addresses.isEmpty ? ["(\(primary.name))"] : addresses
        }
        update(activeOf: primary) { replication in
            if !replication.knownSecondaries.contains(cluster.name) {
                replication.knownSecondaries.append(cluster.name)
            }
        }
    }

    private mutating func update(activeOf cluster: ClusterSpec, _ change: (inout NodeState.Replication) -> Void) {
        guard let name = activeNode(of: cluster) else { return }
        change(&nodes[name]!.replication)
    }
}
