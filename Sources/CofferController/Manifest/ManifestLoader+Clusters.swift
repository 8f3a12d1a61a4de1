import CofferYAML

/// `spec.clusters`: each cluster and node on its own, then the rules that tie them together.
extension ManifestLoader {
    /// A decoded cluster with the fields that later checks point at.
    private struct DecodedCluster {
        var spec: ClusterSpec
        var roleField: YAMLField
        var primaryField: YAMLField?
    }

    /// Names and agents already taken, so a repeat can name where the first one is.
    private struct SeenNames {
        var clusters: [String: String] = [:]
        var nodes: [String: String] = [:]
        var agents: [String: (node: String, path: String)] = [:]
    }

    /// Decodes the clusters, then checks that exactly one is primary and every secondary names it.
    static func decodeClusters(_ field: YAMLField) throws(YAMLError) -> [ClusterSpec] {
        let elements = try field.elements()
        guard !elements.isEmpty else { throw field.error("a topology needs at least one cluster") }
        var seen = SeenNames()
        var clusters: [DecodedCluster] = []
        for element in elements { clusters.append(try decodeCluster(element, seen: &seen)) }

        var primary: DecodedCluster?
        for cluster in clusters where cluster.spec.role == .primary {
            if let first = primary {
                throw cluster.roleField.error(
                    "clusters \(first.spec.name) and \(cluster.spec.name) are both primary; exactly one may be")
            }
            primary = cluster
        }
        guard let primary else { throw field.error("no cluster has role primary; exactly one must") }

        for cluster in clusters {
            guard let primaryField = cluster.primaryField, let named = cluster.spec.primary else { continue }
            guard let target = clusters.first(where: { $0.spec.name == named }) else {
                throw primaryField.error("no cluster is named \(named)")
            }
            guard target.spec.role == .primary else {
                throw primaryField.error("cluster \(named) is a secondary; the primary is \(primary.spec.name)")
            }
        }
        return clusters.map(\.spec)
    }

    private static func decodeCluster(_ field: YAMLField, seen: inout SeenNames) throws(YAMLError) -> DecodedCluster {
        let object = try field.object()
        try rejectUnknownKeys(of: object, allowed: ["name", "role", "primary", "nodes"])
        let nameField = try object.required("name")
        let name = try resourceName(nameField)
        if let first = seen.clusters[name] {
            throw nameField.error("cluster name \(name) is already used at \(first)")
        }
        seen.clusters[name] = field.path

        let roleField = try object.required("role")
        let role = try roleField.oneOf(ClusterSpec.Role.self)
        let primaryField = object.optional("primary")
        var primary: String?
        if let primaryField { primary = try resourceName(primaryField) }
        switch (role, primaryField) {
        case (.primary, let primaryField?):
            throw primaryField.error("a primary cluster replicates from no other; remove primary")
        case (.secondary, nil):
            throw YAMLError(
                code: .missingField, mark: field.mark, reason: "a secondary cluster must name its primary",
                file: field.file, field: "\(field.path).primary")
        default:
            break
        }

        let nodesField = try object.required("nodes")
        let elements = try nodesField.elements()
        guard !elements.isEmpty else { throw nodesField.error("a cluster needs at least one node") }
        var nodes: [NodeSpec] = []
        var bootstrap: (name: String, field: YAMLField)?
        for element in elements {
            let (node, bootstrapField) = try decodeNode(element, seen: &seen)
            if let bootstrapField, node.bootstrap {
                if let first = bootstrap {
                    throw bootstrapField.error(
                        "nodes \(first.name) and \(node.name) both have bootstrap: true; exactly one may")
                }
                bootstrap = (node.name, bootstrapField)
            }
            nodes.append(node)
        }
        guard bootstrap != nil else {
            throw nodesField.error("no node has bootstrap: true; exactly one node of cluster \(name) must")
        }
        return DecodedCluster(
            spec: ClusterSpec(name: name, role: role, primary: primary, nodes: nodes), roleField: roleField,
            primaryField: primaryField)
    }

    private static func decodeNode(
        _ field: YAMLField, seen: inout SeenNames
    ) throws(YAMLError) -> (NodeSpec, bootstrapField: YAMLField?) {
        let object = try field.object()
        try rejectUnknownKeys(of: object, allowed: ["name", "agent", "bootstrap"])
        let nameField = try object.required("name")
        let name = try resourceName(nameField)
        if let first = seen.nodes[name] {
            throw nameField.error("node name \(name) is already used at \(first)")
        }
        seen.nodes[name] = field.path

        let agentField = try object.required("agent")
        let agent = try agentField.string()
        guard isAgentURL(agent) else { throw agentField.error("expected https://host:port, with no path") }
        // Host names are case-insensitive, so two spellings of one host are the same agent.
        let agentKey = agent.lowercased()
        if let first = seen.agents[agentKey] {
            throw agentField.error("agent \(agent) is already used by node \(first.node) at \(first.path)")
        }
        seen.agents[agentKey] = (name, agentField.path)

        let bootstrapField = object.optional("bootstrap")
        let bootstrap = try bootstrapField?.bool() ?? false
        return (NodeSpec(name: name, agent: agent, bootstrap: bootstrap), bootstrapField)
    }

    /// A DNS-label-like name: what cluster and node names become in file names and certificates.
    static func resourceName(_ field: YAMLField) throws(YAMLError) -> String {
        let name = try field.string()
        guard isResourceName(name) else {
            throw field.error(
                "expected at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit")
        }
        return name
    }

    /// Whether `name` matches `[a-z0-9]([a-z0-9-]*[a-z0-9])?` and is at most 63 characters long.
    static func isResourceName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, let last = bytes.last, bytes.count <= 63 else { return false }
        func isLetterOrDigit(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        return isLetterOrDigit(first) && isLetterOrDigit(last)
            && bytes.allSatisfy { isLetterOrDigit($0) || $0 == UInt8(ascii: "-") }
    }

    /// Whether `text` is `https://host:port` with a port from 1 to 65535 and nothing after it; the host
    /// is a name, an IPv4 address, or an IPv6 address in brackets.
    static func isAgentURL(_ text: String) -> Bool {
        let scheme = "https://"
        guard text.hasPrefix(scheme) else { return false }
        let authority = Array(text.utf8.dropFirst(scheme.utf8.count))
        guard let colon = authority.lastIndex(of: UInt8(ascii: ":")) else { return false }
        let host = authority[..<colon]
        let port = authority[(colon + 1)...]

        guard !port.isEmpty, port.count <= 5, port.allSatisfy(isDigit),
            let number = Int(String(decoding: port, as: UTF8.self)), (1...65535).contains(number)
        else { return false }

        if host.first == UInt8(ascii: "[") {
            let inner = host.dropFirst().dropLast()
            return host.count > 2 && host.last == UInt8(ascii: "]")
                && inner.allSatisfy { isHexDigit($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }
        }
        return !host.isEmpty && host.first != UInt8(ascii: ".") && host.first != UInt8(ascii: "-")
            && host.allSatisfy { byte in
                isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
                    || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
            }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte | 0x20)
    }
}
