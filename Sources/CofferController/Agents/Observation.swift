import CofferClient

/// What the controller saw of one node in one pass.
public enum NodeObservation: Sendable, Equatable {
    case reachable(NodeState)
    /// The agent did not answer, or answered with something that cannot be read; the reason says which.
    case unreachable(String)

    /// The state, when the agent answered.
    public var state: NodeState? {
        if case .reachable(let state) = self { return state }
        return nil
    }
}

/// The world as seen in one pass: each node of the manifest observed on its own.
public struct Observation: Sendable {
    public var nodes: [String: NodeObservation]

    public init(nodes: [String: NodeObservation]) {
        self.nodes = nodes
    }

    /// The state of `node`, when its agent answered.
    public func state(_ node: String) -> NodeState? { nodes[node]?.state }

    /// The reachable states of a cluster's nodes, in manifest order.
    public func states(of cluster: ClusterSpec) -> [NodeState] {
        cluster.nodes.compactMap { state($0.name) }
    }

    /// The node of `cluster` that serves requests now, if one is known.
    public func activeNode(of cluster: ClusterSpec) -> NodeSpec? {
        cluster.nodes.first { state($0.name)?.isActive == true }
    }

    /// The active node's state of `cluster`.
    public func activeState(of cluster: ClusterSpec) -> NodeState? {
        activeNode(of: cluster).flatMap { state($0.name) }
    }
}

/// Observes every agent of a manifest at once, each independently: one unreachable or slow agent
/// never hides or delays the others.
public struct Observer: Sendable {
    private let endpoints: [String: AgentEndpoint]

    /// Endpoints for every node of `manifest`, all sharing `client`.
    public init(manifest: Manifest, client: HTTPClient) {
        var endpoints: [String: AgentEndpoint] = [:]
        for (_, node) in manifest.nodes { endpoints[node.name] = AgentEndpoint(node: node, client: client) }
        self.endpoints = endpoints
    }

    /// The endpoint of a node.
    public func endpoint(_ node: String) -> AgentEndpoint? { endpoints[node] }

    /// One observation of every node.
    public func observe() -> Observation {
        let names = endpoints.keys.sorted()
        let endpoints = self.endpoints
        let results = Parallel.map(names) { name -> NodeObservation in
            do throws(ControllerError) {
                return .reachable(try endpoints[name]!.state())
            } catch {
                return .unreachable(error.reason)
            }
        }
        return Observation(nodes: Dictionary(uniqueKeysWithValues: zip(names, results)))
    }
}
