/// Turns the parsed entries of a policy document into path rules, checking keys and capability names.
enum PolicyDocumentReader {
    private static let documentKeys: Set<String> = ["name", "path"]

    // Vault accepts these in a path block; only `capabilities` and `policy` affect the ACL here.
    private static let ruleKeys: Set<String> = [
        "capabilities", "policy", "allowed_parameters", "denied_parameters", "required_parameters",
        "min_wrapping_ttl", "max_wrapping_ttl", "comment", "mfa_methods", "control_group",
        "subscribe_event_types",
    ]

    /// The rules of a document, in document order.
    static func rules(from entries: [HCLEntry]) throws(PolicyError) -> [PathRule] {
        var rules: [PathRule] = []
        for entry in entries {
            guard documentKeys.contains(entry.key) else {
                throw error(.invalidKey, at: entry, "invalid key \"\(entry.key)\" at the top level")
            }
            if entry.key == "path" { try readPaths(entry.value, into: &rules) }
        }
        return rules
    }

    /// Reads `path` as an object of pattern → block, or a list of such objects (JSON's array form).
    private static func readPaths(_ node: HCLNode, into rules: inout [PathRule]) throws(PolicyError) {
        switch node.value {
        case .object(let patterns):
            for entry in patterns { try readBlocks(pattern: entry, node: entry.value, into: &rules) }
        case .list(let items):
            for item in items { try readPaths(item, into: &rules) }
        default:
            throw error(.invalidValue, at: node, "expected path blocks such as path \"secret/*\" { ... }")
        }
    }

    private static func readBlocks(pattern: HCLEntry, node: HCLNode, into rules: inout [PathRule]) throws(PolicyError) {
        switch node.value {
        case .object(let attributes):
            rules.append(try readRule(pattern: pattern, attributes: attributes))
        case .list(let items):
            for item in items { try readBlocks(pattern: pattern, node: item, into: &rules) }
        default:
            throw error(.invalidValue, at: node, "path \"\(pattern.key)\" must be a block, found \(node.kindName)")
        }
    }

    private static func readRule(pattern: HCLEntry, attributes: [HCLEntry]) throws(PolicyError) -> PathRule {
        guard !pattern.key.isEmpty, pattern.key != "/" else {
            throw error(.invalidValue, at: pattern, "path pattern must not be empty")
        }
        var capabilities: Capabilities = []
        var grantsSomething = false
        for attribute in attributes {
            switch attribute.key {
            case "capabilities":
                capabilities.formUnion(try readCapabilities(attribute.value))
                grantsSomething = true
            case "policy":
                capabilities.formUnion(try readLegacyPolicy(attribute.value))
                grantsSomething = true
            case let key where ruleKeys.contains(key):
                // TODO: parameter constraints and wrapping TTL bounds are parsed but not enforced yet.
                continue
            default:
                throw error(.invalidKey, at: attribute, "invalid key \"\(attribute.key)\" in path \"\(pattern.key)\"")
            }
        }
        guard grantsSomething else {
            throw error(.missingCapabilities, at: pattern, "path \"\(pattern.key)\" has no capabilities")
        }
        return PathRule(pattern: pattern.key, capabilities: capabilities)
    }

    private static func readCapabilities(_ node: HCLNode) throws(PolicyError) -> Capabilities {
        guard case .list(let items) = node.value else {
            throw error(.invalidValue, at: node, "capabilities must be a list of strings, found \(node.kindName)")
        }
        var capabilities: Capabilities = []
        for item in items {
            guard case .string(let name) = item.value else {
                throw error(.invalidValue, at: item, "capabilities must be a list of strings, found \(item.kindName)")
            }
            // Event subscriptions are not served, so the capability is accepted and grants nothing.
            if name == "subscribe" { continue }
            guard let capability = Capabilities(name: name) else {
                throw error(.unknownCapability, at: item, "unknown capability \"\(name)\"")
            }
            capabilities.formUnion(capability)
        }
        return capabilities
    }

    private static func readLegacyPolicy(_ node: HCLNode) throws(PolicyError) -> Capabilities {
        let invalid = error(.invalidValue, at: node, "policy must be one of \"read\", \"write\", \"deny\", \"sudo\"")
        guard case .string(let name) = node.value else { throw invalid }
        switch name {
        case "read": return .legacyRead
        case "write": return .legacyWrite
        case "sudo": return .legacySudo
        case "deny": return .deny
        default: throw invalid
        }
    }

    private static func error(_ code: PolicyError.Code, at node: HCLNode, _ reason: String) -> PolicyError {
        PolicyError(code: code, line: node.line, column: node.column, reason: reason)
    }

    private static func error(_ code: PolicyError.Code, at entry: HCLEntry, _ reason: String) -> PolicyError {
        PolicyError(code: code, line: entry.line, column: entry.column, reason: reason)
    }
}
