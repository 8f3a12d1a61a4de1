/// Computes the plan: what the world needs so that it matches the manifest. A pure function of the
/// manifest, one observation, the custody index and the journal, so it is tested without agents.
///
/// The planner works on a model of the world built from the observation. Each action it chooses is
/// applied to the model as if it succeeded, and planning continues until nothing is left, so `plan`
/// shows the whole ordered sequence (init, unseal, enable, activate, unseal the standbys...).
public struct Planner: Sendable {
    /// Choices the operator makes on the command line.
    public struct Options: Sendable {
        /// `--force`: move the primary role even when the new primary has not caught up or the old
        /// one cannot be reached.
        public var force = false

        public init(force: Bool = false) {
            self.force = force
        }
    }

    public let manifest: Manifest
    public let options: Options

    public init(manifest: Manifest, options: Options = Options()) {
        self.manifest = manifest
        self.options = options
    }

    /// The plan for this observation. `keySets` is the custody index (shares are not needed here);
    /// `journal` the operations in flight.
    public func plan(observation: Observation, keySets: [KeySet], journal: [Journal.Entry] = []) -> Plan {
        var model = PlanningModel(manifest: manifest, observation: observation, keySets: keySets, journal: journal)
        var plan = Plan()
        for (node, observed) in observation.nodes {
            if case .unreachable(let reason) = observed { plan.unreachable[node] = reason }
        }
        for _ in 0..<64 {
            let round = nextRound(&model)
            plan.waiting = unique(plan.waiting + round.waiting)
            plan.blocked = unique(plan.blocked + round.blocked)
            let new = round.actions.filter { !plan.actions.contains($0) }
            if new.isEmpty { break }
            for action in new {
                plan.actions.append(action)
                model.apply(action)
            }
        }
        return plan
    }

    private func unique(_ items: [String]) -> [String] {
        var seen: Set<String> = []
        return items.filter { seen.insert($0).inserted }
    }

    /// The actions whose preconditions hold in the model now.
    private func nextRound(_ model: inout PlanningModel) -> Plan {
        var round = Plan()
        let ordered =
            manifest.clusters.filter { $0.role == .primary } + manifest.clusters.filter { $0.role != .primary }
        for cluster in ordered { initialisation(cluster, model, &round) }
        for cluster in ordered { unsealing(cluster, model, &round) }
        if !round.actions.isEmpty { return round }
        for cluster in ordered { election(cluster, model, &round) }
        if let primary = manifest.primary { primaryRole(primary, model, &round) }
        for cluster in ordered where cluster.role == .secondary { secondaryRole(cluster, model, &round) }
        if let primary = manifest.primary { removedSecondaries(primary, model, &round) }
        return round
    }

    // MARK: Rules

    private func initialisation(_ cluster: ClusterSpec, _ model: PlanningModel, _ round: inout Plan) {
        let states = model.states(of: cluster)
        let unreachable = model.unreachableNodes(of: cluster)
        let initialised = states.filter(\.initialized)
        guard initialised.isEmpty else {
            if initialised.count != states.count {
                round.blocked.append(
                    "\(cluster.name): nodes disagree about initialisation ("
                        + initialised.map(\.node).joined(separator: ", ")
                        + " initialised, the others not); do they share one storage?")
            }
            if let pending = model.journal.first(where: { $0.operation == "init" && $0.cluster == cluster.name }),
                let keySet = initialised.first?.keySetID, !model.keySets.contains(where: { $0.id == keySet })
            {
                round.blocked.append(
                    "\(cluster.name): the init started at \(pending.started) was interrupted after the node was "
                        + "initialised and before its shares reached custody; those shares are lost")
            }
            return
        }
        guard !states.isEmpty else { return }
        guard unreachable.isEmpty else {
            round.blocked.append(
                "\(cluster.name): every reachable node reports uninitialised, but "
                    + unreachable.joined(separator: ", ")
                    + " did not answer; the controller never initialises a cluster it cannot fully see")
            return
        }
        if cluster.role == .primary,
            let kept = model.keySets.first(where: { $0.cluster == cluster.name && !$0.superseded })
        {
            round.blocked.append(
                "\(cluster.name): every node reports uninitialised, but custody holds key set \(kept.id) made for it "
                    + "on \(kept.created); refusing to initialise it again (restore its storage, or move that key set "
                    + "aside if the cluster is meant to start over)")
            return
        }
        guard let bootstrap = cluster.bootstrapNode else { return }
        var reason = "every node of \(cluster.name) reports uninitialised"
        reason += cluster.role == .primary ? " and custody holds no key set for it" : ""
        if model.journal.contains(where: { $0.operation == "init" && $0.cluster == cluster.name }) {
            reason += "; retrying an init that was interrupted before the node answered"
        }
        round.actions.append(Action(.initialize, cluster: cluster.name, node: bootstrap.name, reason: reason))
    }

    private func unsealing(_ cluster: ClusterSpec, _ model: PlanningModel, _ round: inout Plan) {
        for node in cluster.nodes {
            guard let state = model.nodes[node.name], state.initialized else { continue }
            if !state.sealed {
                if state.keysCurrent == false {
                    round.waiting.append(
                        "\(cluster.name): \(node.name) is unsealed with keys that no longer open its cluster's "
                            + "keyring; it seals itself and is then unsealed with the current shares")
                }
                continue
            }
            if let since = state.sealedByOperatorAt {
                round.blocked.append(
                    "\(cluster.name): \(node.name) was sealed by an operator with sys/seal at \(since); the "
                        + "controller leaves it sealed until it is unsealed by hand or its agent restarts")
                continue
            }
            guard let keySetID = state.keySetID else {
                round.blocked.append("\(cluster.name): \(node.name) is sealed and reports no key set id")
                continue
            }
            guard let keySet = model.keySets.first(where: { $0.id == keySetID }) else {
                round.blocked.append(
                    "\(cluster.name): \(node.name) is sealed and custody holds no shares of its key set \(keySetID)")
                continue
            }
            var reason =
                "sealed; \(keySet.threshold) shares of key set \(keySet.id) (made for \(keySet.cluster)) from custody"
            if let warning = state.sealWarning, !warning.isEmpty { reason += "; it sealed itself: \(warning)" }
            round.actions.append(
                Action(.unseal, cluster: cluster.name, node: node.name, keySetID: keySetID, reason: reason))
        }
    }

    private func election(_ cluster: ClusterSpec, _ model: PlanningModel, _ round: inout Plan) {
        let states = model.states(of: cluster)
        if states.contains(where: { !$0.sealed }), model.activeState(of: cluster) == nil {
            round.waiting.append("\(cluster.name): unsealed, electing an active node")
        }
    }

    private func primaryRole(_ primary: ClusterSpec, _ model: PlanningModel, _ round: inout Plan) {
        guard let active = model.activeState(of: primary) else { return }
        switch active.replication.mode {
        case "primary":
            if active.replication.state == "fenced" {
                round.blocked.append(
                    "\(primary.name): reports a fenced primary (another cluster was promoted over it); demote and "
                        + "re-promote it by hand once you know which data to keep")
            }
        case "disabled":
            round.actions.append(
                Action(
                    .enablePrimary, cluster: primary.name, node: model.activeNode(of: primary),
                    reason: "the manifest names \(primary.name) primary and replication is not enabled on it"))
        default:
            movePrimary(to: primary, active: active, model, &round)
        }
    }

    /// The manifest names `primary` as primary, but it reports secondary: move the role to it.
    private func movePrimary(to primary: ClusterSpec, active: NodeState, _ model: PlanningModel, _ round: inout Plan) {
        let current = manifest.clusters.first {
            $0.name != primary.name && model.activeState(of: $0)?.replication.mode == "primary"
        }
        if let current, let old = model.activeState(of: current) {
            let caughtUp =
                active.replication.state == "stream-wals" && active.replication.lastRemoteWAL >= old.replication.lastWAL
            guard caughtUp || options.force else {
                round.blocked.append(
                    "\(primary.name): the manifest makes it primary, but it has not caught up with \(current.name) "
                        + "(applied \(active.replication.lastRemoteWAL) of \(old.replication.lastWAL), state "
                        + "\(active.replication.state)); wait, or pass --force to accept losing the difference")
                return
            }
            round.actions.append(
                Action(
                    .movePrimary, cluster: primary.name, node: model.activeNode(of: primary), peer: current.name,
                    reason: "the manifest names \(primary.name) primary instead of \(current.name)"
                        + (caughtUp ? "; it has applied every WAL record" : "; forced before it caught up")))
            return
        }
        let silent = manifest.clusters.filter { $0.name != primary.name && model.activeState(of: $0) == nil }
        guard silent.isEmpty || options.force else {
            round.blocked.append(
                "\(primary.name): the manifest makes it primary and no cluster reports primary, but "
                    + "\(silent.map(\.name).joined(separator: ", ")) cannot be seen; the old primary may still be "
                    + "serving; pass --force to promote anyway (the old primary is demoted when it returns)")
            return
        }
        round.actions.append(
            Action(
                .promote, cluster: primary.name, node: model.activeNode(of: primary),
                reason: "the manifest names \(primary.name) primary and no cluster is primary now"))
    }

    private func secondaryRole(_ cluster: ClusterSpec, _ model: PlanningModel, _ round: inout Plan) {
        guard let active = model.activeState(of: cluster), let primaryName = cluster.primary,
            let primarySpec = manifest.cluster(named: primaryName)
        else { return }
        let primaryActive = model.activeState(of: primarySpec)
        let primaryReady = primaryActive.map { $0.replication.mode == "primary" && $0.replication.state != "fenced" }
        switch active.replication.mode {
        case "primary":
            if primaryReady == true {
                round.actions.append(
                    Action(
                        .demote, cluster: cluster.name, node: model.activeNode(of: cluster), peer: primaryName,
                        reason: "\(cluster.name) reports primary, but the manifest names \(primaryName), which is "
                            + "primary now"))
            }
        case "disabled":
            guard primaryReady == true else {
                round.waiting.append("\(cluster.name): activation waits until \(primaryName) is an enabled primary")
                return
            }
            var reason = "the manifest makes \(cluster.name) a secondary of \(primaryName)"
            if let pending = model.journal.first(where: { $0.operation == "activate" && $0.cluster == cluster.name }) {
                reason += "; resuming the activation interrupted after step \(pending.step)"
            }
            let destructive = active.userData != false
            reason += destructive ? "; enabling it WIPES ALL DATA on \(cluster.name)" : "; it holds no user data"
            round.actions.append(
                Action(
                    .activateSecondary, cluster: cluster.name, node: model.activeNode(of: cluster), peer: primaryName,
                    reason: reason, destructive: destructive))
        default:
            guard let primaryActive, primaryReady == true else { return }
            if !active.replication.clusterID.isEmpty, !primaryActive.replication.clusterID.isEmpty,
                active.replication.clusterID != primaryActive.replication.clusterID
            {
                round.blocked.append(
                    "\(cluster.name): it is a secondary of another replication cluster; disable replication on it "
                        + "(its data is then wiped by the activation) to make it follow \(primaryName)")
                return
            }
            let primaryAddresses = Set(model.states(of: primarySpec).map(\.clusterAddress).filter { !$0.isEmpty })
            let follows = !Set(active.replication.primaryClusterAddresses).isDisjoint(with: primaryAddresses)
            if !follows {
                round.actions.append(
                    Action(
                        .updatePrimary, cluster: cluster.name, node: model.activeNode(of: cluster), peer: primaryName,
                        reason: "\(cluster.name) follows another primary; the manifest names \(primaryName)"))
            } else if active.replication.state != "stream-wals" {
                let state = active.replication.state.isEmpty ? "unknown" : active.replication.state
                let connection =
                    active.replication.connectionState.isEmpty ? "unknown" : active.replication.connectionState
                round.waiting.append("\(cluster.name): replication state is \(state), connection \(connection)")
            }
        }
    }

    private func removedSecondaries(_ primary: ClusterSpec, _ model: PlanningModel, _ round: inout Plan) {
        guard let active = model.activeState(of: primary), active.replication.mode == "primary" else { return }
        let wanted = Set(manifest.clusters.filter { $0.primary == primary.name }.map(\.name))
        for id in active.replication.knownSecondaries where !wanted.contains(id) {
            round.actions.append(
                Action(
                    .revokeSecondary, cluster: primary.name, node: model.activeNode(of: primary), secondaryID: id,
                    reason: "secondary \(id) is registered on \(primary.name) but is not in the manifest"))
        }
    }
}
