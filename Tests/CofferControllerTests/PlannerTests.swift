import CofferController
import Testing

/// The planner on hand-made observations: which actions, in which order, and what it refuses.
@Suite struct PlannerTests {
    static let manifest = Manifest(
        name: "t", trust: TrustSettings(caFile: "ca", certificateFile: "c", keyFile: "k"),
        unseal: UnsealSettings(shares: 3, threshold: 2, custody: .file(path: "keys")),
        clusters: [
            ClusterSpec(
                name: "dc1", role: .primary,
                nodes: [
                    NodeSpec(name: "a1", agent: "https://a1", bootstrap: true),
                    NodeSpec(name: "a2", agent: "https://a2"),
                ]),
            ClusterSpec(
                name: "dc2", role: .secondary, primary: "dc1",
                nodes: [
                    NodeSpec(name: "b1", agent: "https://b1", bootstrap: true),
                    NodeSpec(name: "b2", agent: "https://b2"),
                ]),
        ])

    static func fresh(_ name: String, cluster: String) -> NodeState {
        var state = NodeState()
        state.node = name
        state.cluster = cluster
        state.haEnabled = true
        state.clusterAddress = "https://\(name):8201"
        return state
    }

    static func keySet(_ id: String, cluster: String, superseded: Bool = false) -> KeySet {
        var keySet = KeySet(
            id: id, cluster: cluster, created: "2026-12-03T00:00:00Z", threshold: 2, shares: ["1", "2", "3"],
            rootToken: "r")
        keySet.superseded = superseded
        return keySet
    }

    /// A converged world: dc1 primary with a1 active, dc2 streaming from it.
    static func converged() -> [String: NodeState] {
        var nodes: [String: NodeState] = [:]
        for (name, cluster) in [("a1", "dc1"), ("a2", "dc1"), ("b1", "dc2"), ("b2", "dc2")] {
            var state = fresh(name, cluster: cluster)
            state.initialized = true
            state.sealed = false
            state.keySetID = "K1"
            state.keysCurrent = true
            state.haRole = name.hasSuffix("1") ? .active : .standby
            state.replication.clusterID = "R"
            if cluster == "dc1" {
                state.replication.mode = "primary"
                state.replication.state = "running"
                state.replication.knownSecondaries = ["dc2"]
                state.replication.lastWAL = 10
            } else {
                state.replication.mode = "secondary"
                state.replication.state = "stream-wals"
                state.replication.connectionState = "ready"
                state.replication.primaryClusterAddresses = ["https://a1:8201"]
                state.replication.lastRemoteWAL = 10
            }
            nodes[name] = state
        }
        return nodes
    }

    /// The manifest with the roles swapped: dc2 primary, dc1 its secondary.
    static var swapped: Manifest {
        var manifest = Self.manifest
        manifest.clusters[0].role = .secondary
        manifest.clusters[0].primary = "dc2"
        manifest.clusters[1].role = .primary
        manifest.clusters[1].primary = nil
        return manifest
    }

    static func plan(
        _ nodes: [String: NodeState], unreachable: [String] = [], keySets: [KeySet] = [],
        manifest: Manifest = manifest, force: Bool = false
    ) -> Plan {
        var observed: [String: NodeObservation] = nodes.mapValues { .reachable($0) }
        for name in unreachable { observed[name] = .unreachable("connection refused") }
        return Planner(manifest: manifest, options: Planner.Options(force: force)).plan(
            observation: Observation(nodes: observed), keySets: keySets)
    }

    static func summary(_ plan: Plan) -> [String] {
        plan.actions.map { "\($0.kind.rawValue) \($0.target)" }
    }

    @Test func freshTopologyPlansTheWholeSequenceInOrder() {
        let nodes = [
            "a1": Self.fresh("a1", cluster: "dc1"), "a2": Self.fresh("a2", cluster: "dc1"),
            "b1": Self.fresh("b1", cluster: "dc2"), "b2": Self.fresh("b2", cluster: "dc2"),
        ]
        let plan = Self.plan(nodes)
        #expect(
            Self.summary(plan) == [
                "init dc1/a1", "init dc2/b1", "unseal dc1/a1", "unseal dc1/a2", "unseal dc2/b1", "unseal dc2/b2",
                "enable-primary dc1/a1", "activate-secondary dc2/b1", "unseal dc2/b2",
            ])
        #expect(plan.actions.allSatisfy { !$0.destructive })
        #expect(plan.blocked.isEmpty)
    }

    @Test func convergedWorldNeedsNothing() {
        let plan = Self.plan(Self.converged(), keySets: [Self.keySet("K1", cluster: "dc1")])
        #expect(plan.isConverged, "\(plan.render(topology: "t"))")
    }

    @Test func sealedNodesAreUnsealedWithTheKeySetTheyReport() {
        var nodes = Self.converged()
        nodes["b2"]!.sealed = true
        nodes["b2"]!.haRole = .sealed
        let plan = Self.plan(
            nodes, keySets: [Self.keySet("K1", cluster: "dc1"), Self.keySet("K2", cluster: "dc2", superseded: true)])
        #expect(Self.summary(plan) == ["unseal dc2/b2"])
        #expect(plan.actions.first?.keySetID == "K1")
    }

    @Test func missingSharesBlockInsteadOfGuessing() {
        var nodes = Self.converged()
        nodes["a2"]!.sealed = true
        let plan = Self.plan(nodes, keySets: [])
        #expect(plan.actions.isEmpty)
        #expect(plan.blocked.contains { $0.contains("custody holds no shares of its key set K1") })
    }

    @Test func unreachableNodeNeverTriggersInit() {
        let nodes = [
            "a1": Self.fresh("a1", cluster: "dc1"), "b1": Self.fresh("b1", cluster: "dc2"),
            "b2": Self.fresh("b2", cluster: "dc2"),
        ]
        let plan = Self.plan(nodes, unreachable: ["a2"])
        #expect(!plan.actions.contains { $0.kind == .initialize && $0.cluster == "dc1" })
        #expect(plan.blocked.contains { $0.hasPrefix("dc1:") && $0.contains("a2 did not answer") })
        #expect(plan.unreachable["a2"] == "connection refused")
    }

    @Test func wipedPrimaryIsNotInitialisedAgainWhileCustodyHoldsItsKeys() {
        let nodes = ["a1": Self.fresh("a1", cluster: "dc1"), "a2": Self.fresh("a2", cluster: "dc1")]
        let manifest = Manifest(
            name: "t", trust: Self.manifest.trust, unseal: Self.manifest.unseal, clusters: [Self.manifest.clusters[0]])
        let plan = Self.plan(nodes, keySets: [Self.keySet("K1", cluster: "dc1")], manifest: manifest)
        #expect(plan.actions.isEmpty)
        #expect(plan.blocked.contains { $0.contains("refusing to initialise it again") })
    }

    @Test func wipedSecondaryIsInitialisedAndActivatedAgain() {
        var nodes = Self.converged()
        nodes["b1"] = Self.fresh("b1", cluster: "dc2")
        nodes["b2"] = Self.fresh("b2", cluster: "dc2")
        let plan = Self.plan(
            nodes, keySets: [Self.keySet("K1", cluster: "dc1"), Self.keySet("K2", cluster: "dc2", superseded: true)])
        #expect(
            Self.summary(plan) == [
                "init dc2/b1", "unseal dc2/b1", "unseal dc2/b2", "activate-secondary dc2/b1", "unseal dc2/b2",
            ])
        #expect(plan.actions.first { $0.kind == .activateSecondary }?.destructive == false)
    }

    @Test func activatingOverUserDataIsDestructive() {
        var nodes = Self.converged()
        for name in ["b1", "b2"] {
            nodes[name]!.replication = NodeState.Replication()
            nodes[name]!.userData = true
            nodes[name]!.keySetID = "K2"
        }
        nodes["a1"]!.replication.knownSecondaries = []
        let plan = Self.plan(nodes, keySets: [Self.keySet("K1", cluster: "dc1"), Self.keySet("K2", cluster: "dc2")])
        let activation = plan.actions.first { $0.kind == .activateSecondary }
        #expect(activation?.destructive == true)
        #expect(activation?.reason.contains("WIPES ALL DATA") == true)
        #expect(plan.render(topology: "t").contains("! activate-secondary"))
    }

    @Test func secondaryThatLeftTheManifestIsRevoked() {
        var nodes = Self.converged()
        nodes["a1"]!.replication.knownSecondaries = ["dc2", "dc9"]
        let plan = Self.plan(nodes, keySets: [Self.keySet("K1", cluster: "dc1")])
        #expect(Self.summary(plan) == ["revoke-secondary dc1/a1"])
        #expect(plan.actions.first?.secondaryID == "dc9")
    }

    @Test func primaryMovesOnlyOnceTheNewPrimaryCaughtUp() {
        var nodes = Self.converged()
        let manifest = Self.swapped
        nodes["b1"]!.replication.lastRemoteWAL = 7
        let behind = Self.plan(nodes, keySets: [Self.keySet("K1", cluster: "dc1")], manifest: manifest)
        #expect(behind.actions.isEmpty)
        #expect(behind.blocked.contains { $0.contains("has not caught up with dc1 (applied 7 of 10") })
        let forced = Self.plan(nodes, keySets: [Self.keySet("K1", cluster: "dc1")], manifest: manifest, force: true)
        #expect(Self.summary(forced) == ["move-primary dc2/b1", "update-primary dc1/a1"])
        nodes["b1"]!.replication.lastRemoteWAL = 10
        let caughtUp = Self.plan(nodes, keySets: [Self.keySet("K1", cluster: "dc1")], manifest: manifest)
        #expect(Self.summary(caughtUp) == ["move-primary dc2/b1", "update-primary dc1/a1"])
    }

    @Test func oldPrimaryThatReturnsIsDemotedAndFollowsTheNewOne() {
        var nodes = Self.converged()
        let manifest = Self.swapped
        nodes["b1"]!.replication.mode = "primary"
        nodes["b1"]!.replication.state = "running"
        nodes["b1"]!.replication.knownSecondaries = []
        let plan = Self.plan(nodes, keySets: [Self.keySet("K1", cluster: "dc1")], manifest: manifest)
        #expect(Self.summary(plan) == ["demote dc1/a1", "update-primary dc1/a1"])
    }

    @Test func promotionWithoutSeeingTheOldPrimaryNeedsForce() {
        var nodes = Self.converged()
        nodes.removeValue(forKey: "a1")
        nodes.removeValue(forKey: "a2")
        let manifest = Self.swapped
        let plan = Self.plan(
            nodes, unreachable: ["a1", "a2"], keySets: [Self.keySet("K1", cluster: "dc1")], manifest: manifest)
        #expect(plan.actions.isEmpty)
        #expect(plan.blocked.contains { $0.contains("pass --force to promote anyway") })
        let forced = Self.plan(
            nodes, unreachable: ["a1", "a2"], keySets: [Self.keySet("K1", cluster: "dc1")], manifest: manifest,
            force: true)
        #expect(Self.summary(forced) == ["promote dc2/b1"])
    }

    @Test func staleStandbyIsWaitedForNotActedOn() {
        var nodes = Self.converged()
        nodes["b2"]!.keysCurrent = false
        let plan = Self.plan(nodes, keySets: [Self.keySet("K1", cluster: "dc1")])
        #expect(plan.actions.isEmpty)
        #expect(plan.waiting.contains { $0.contains("b2 is unsealed with keys that no longer open") })
    }
}

extension PlannerTests {
    @Test func nodeSealedByAnOperatorStaysSealed() {
        var nodes = Self.converged()
        nodes["a2"]!.sealed = true
        nodes["a2"]!.haRole = .sealed
        nodes["a2"]!.sealedByOperatorAt = "2026-12-03T12:00:00Z"
        let plan = Self.plan(nodes, keySets: [Self.keySet("K1", cluster: "dc1")])
        #expect(plan.actions.isEmpty)
        #expect(plan.blocked.contains { $0.contains("a2 was sealed by an operator with sys/seal") })
    }
}
