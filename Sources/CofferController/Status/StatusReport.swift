import CofferBase

/// `coffer status`: one row per node of the manifest, each from that node's own answer, so one
/// unreachable agent never hides the others.
public struct StatusReport: Sendable {
    /// One node's row.
    public struct Row: Sendable, Equatable {
        public var cluster: String
        public var node: String
        /// The role the manifest gives the node's cluster.
        public var role: String
        /// `ok`, or `unreachable` with the reason in ``error``.
        public var agent: String
        public var error: String?
        public var initialized: Bool?
        public var sealed: Bool?
        public var ha: String?
        public var replicationMode: String?
        public var replicationState: String?
        public var connection: String?
        /// WAL records the cluster's primary has that this secondary has not applied.
        public var walLag: Int64?
    }

    public let topology: String
    public let rows: [Row]

    /// The report for one observation.
    public init(manifest: Manifest, observation: Observation) {
        topology = manifest.name
        var rows: [Row] = []
        for (cluster, node) in manifest.nodes {
            var row = Row(cluster: cluster.name, node: node.name, role: cluster.role.rawValue, agent: "ok")
            switch observation.nodes[node.name] {
            case .reachable(let state):
                row.initialized = state.initialized
                row.sealed = state.sealed
                row.ha = state.haEnabled || state.sealed ? state.haRole.rawValue : "active"
                if state.isActive {
                    row.replicationMode = state.replication.mode
                    row.replicationState = state.replication.state.isEmpty ? nil : state.replication.state
                    row.connection = state.replication.connectionState.isEmpty ? nil : state.replication.connectionState
                    if state.isActive, state.replication.mode == "secondary" {
                        var primaryWAL = state.replication.primaryLastWAL
                        if let primary = cluster.primary.flatMap(manifest.cluster(named:)),
                            let primaryState = observation.activeState(of: primary),
                            primaryState.replication.mode == "primary"
                        {
                            primaryWAL = max(primaryWAL, primaryState.replication.lastWAL)
                        }
                        row.walLag = max(0, primaryWAL - state.replication.lastRemoteWAL)
                    }
                }
            case .unreachable(let reason):
                row.agent = "unreachable"
                row.error = reason
            case nil:
                row.agent = "unknown"
            }
            rows.append(row)
        }
        self.rows = rows
    }

    /// Whether every node answered, is initialised and unsealed.
    public var allHealthy: Bool {
        rows.allSatisfy { $0.agent == "ok" && $0.initialized == true && $0.sealed == false }
    }

    /// The table.
    public func render() -> String {
        func yesNo(_ value: Bool?) -> String { value.map { $0 ? "yes" : "no" } ?? "?" }
        let header = ["CLUSTER", "NODE", "ROLE", "AGENT", "INIT", "SEALED", "HA", "REPLICATION", "LAG"]
        var table = [header]
        for row in rows {
            var replication = "?"
            if let mode = row.replicationMode {
                replication = ([mode, row.replicationState, row.connection].compactMap { $0 }).joined(separator: "/")
            } else if row.agent == "ok" {
                // Replication runs on the active node; a standby or sealed node has no view of its own.
                replication = "-"
            }
            table.append([
                row.cluster, row.node, row.role, row.agent, yesNo(row.initialized), yesNo(row.sealed), row.ha ?? "?",
                replication, row.walLag.map(String.init) ?? "-",
            ])
        }
        var widths = [Int](repeating: 0, count: header.count)
        for line in table { for (index, cell) in line.enumerated() { widths[index] = max(widths[index], cell.count) } }
        var lines = table.map { line in
            line.enumerated().map { $0.element.padding(to: widths[$0.offset]) }.joined(separator: "  ")
                .trimmingTrailingSpaces()
        }
        for row in rows where row.error != nil { lines.append("\(row.node): \(row.error!)") }
        return lines.joined(separator: "\n")
    }

    /// The JSON form of `status -o json`.
    public var json: JSON {
        [
            "topology": .string(topology),
            "nodes": .array(
                rows.map { row in
                    var object: [String: JSON] = [
                        "cluster": .string(row.cluster), "node": .string(row.node), "role": .string(row.role),
                        "agent": .string(row.agent),
                    ]
                    object["error"] = row.error.map(JSON.string)
                    object["initialized"] = row.initialized.map(JSON.bool)
                    object["sealed"] = row.sealed.map(JSON.bool)
                    object["ha"] = row.ha.map(JSON.string)
                    object["replication_mode"] = row.replicationMode.map(JSON.string)
                    object["replication_state"] = row.replicationState.map(JSON.string)
                    object["connection"] = row.connection.map(JSON.string)
                    object["wal_lag"] = row.walLag.map(JSON.int)
                    return .object(object)
                }),
        ]
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}
