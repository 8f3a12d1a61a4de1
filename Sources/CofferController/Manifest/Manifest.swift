/// A topology manifest (`apiVersion: coffer/v1`, `kind: Topology`, DESIGN.md §7) as typed values:
/// which clusters exist, which one is the primary, which hosts run their nodes, and how unseal keys
/// are kept. Identity is by name; the order of clusters and nodes carries no meaning.
public struct Manifest: Sendable, Equatable {
    /// `metadata.name`.
    public var name: String
    /// The file the manifest was read from, for messages; empty when built in code.
    public var file: String
    public var reconcile: ReconcileSettings
    public var trust: TrustSettings
    public var unseal: UnsealSettings
    public var clusters: [ClusterSpec]

    public init(
        name: String, file: String = "", reconcile: ReconcileSettings = ReconcileSettings(), trust: TrustSettings,
        unseal: UnsealSettings, clusters: [ClusterSpec]
    ) {
        self.name = name
        self.file = file
        self.reconcile = reconcile
        self.trust = trust
        self.unseal = unseal
        self.clusters = clusters
    }

    /// The cluster that the manifest names primary (validation guarantees exactly one).
    public var primary: ClusterSpec? { clusters.first { $0.role == .primary } }

    /// The cluster with this name.
    public func cluster(named name: String) -> ClusterSpec? { clusters.first { $0.name == name } }

    /// Every node of every cluster, with its cluster.
    public var nodes: [(cluster: ClusterSpec, node: NodeSpec)] {
        clusters.flatMap { cluster in cluster.nodes.map { (cluster, $0) } }
    }
}

/// `spec.reconcile`: how often `coffer run` looks again, and whether it acts on what it finds.
public struct ReconcileSettings: Sendable, Equatable {
    /// What to do about a difference between the manifest and the world.
    public enum Drift: String, Sendable, CaseIterable {
        /// Act to remove it.
        case correct
        /// Report it and change nothing.
        case report
    }

    /// Seconds between two passes of `coffer run`.
    public var intervalSeconds: Double = 30
    public var drift: Drift = .correct
    /// First retry delay after a node's action failed, in seconds; doubled per failure.
    public var backoffInitialSeconds: Double = 1
    /// The longest retry delay, in seconds.
    public var backoffMaxSeconds: Double = 300
    /// Where the controller keeps its journal and lock (relative paths: to the working directory).
    public var stateDirectory: String = ".coffer/controller"

    public init() {}
}

/// `spec.trust`: the controller's side of the mutual TLS with the agents.
public struct TrustSettings: Sendable, Equatable {
    /// PEM of the CA that signs the agents' certificates and the controller's.
    public var caFile: String
    /// The controller's client certificate (PEM).
    public var certificateFile: String
    /// The controller's private key (PEM).
    public var keyFile: String

    public init(caFile: String, certificateFile: String, keyFile: String) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }
}

/// `spec.unseal`: how a cluster's unseal key is split when the controller initialises it, and where
/// the shares are kept.
public struct UnsealSettings: Sendable, Equatable {
    /// Where shares and initial root tokens are kept.
    public enum Custody: Sendable, Equatable {
        /// One file per key set, mode 0600, in a directory of mode 0700.
        case file(path: String)
    }

    public var shares: Int
    public var threshold: Int
    public var custody: Custody

    public init(shares: Int, threshold: Int, custody: Custody) {
        self.shares = shares
        self.threshold = threshold
        self.custody = custody
    }
}

/// One cluster of the topology.
public struct ClusterSpec: Sendable, Equatable {
    /// The replication role the manifest wants for the cluster.
    public enum Role: String, Sendable, CaseIterable {
        case primary
        case secondary
    }

    public var name: String
    public var role: Role
    /// For a secondary: the name of the cluster it replicates from.
    public var primary: String?
    public var nodes: [NodeSpec]

    public init(name: String, role: Role, primary: String? = nil, nodes: [NodeSpec]) {
        self.name = name
        self.role = role
        self.primary = primary
        self.nodes = nodes
    }

    /// The node the controller initialises the cluster on.
    public var bootstrapNode: NodeSpec? { nodes.first { $0.bootstrap } }
}

/// One node (one agent) of a cluster.
public struct NodeSpec: Sendable, Equatable {
    public var name: String
    /// The agent's base URL, `https://host:port`: its API listener, which also serves `/agent/v1/`.
    public var agent: String
    /// Whether the controller initialises the cluster on this node.
    public var bootstrap: Bool

    public init(name: String, agent: String, bootstrap: Bool = false) {
        self.name = name
        self.agent = agent
        self.bootstrap = bootstrap
    }

    /// The host (IPv6 without brackets) and port of the agent URL; `nil` unless it has the shape
    /// `https://host:port`. The manifest loader checks the parts further.
    public var agentAddress: (host: String, port: Int)? {
        let scheme = "https://"
        guard agent.hasPrefix(scheme) else { return nil }
        let authority = agent.dropFirst(scheme.count)
        guard let colon = authority.lastIndex(of: ":"), let port = Int(authority[authority.index(after: colon)...])
        else { return nil }
        var host = authority[..<colon]
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        return (String(host), port)
    }
}
