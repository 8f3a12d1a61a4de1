/// The compiled access rules of a set of policies, built once and queried for every request.
///
/// Rules with the same pattern in several policies merge into one: their capabilities are united,
/// except that a `deny` on the pattern replaces everything. Matching then follows Vault: an exact
/// pattern for the path decides outright; otherwise the single highest-priority wildcard rule
/// decides alone (see `PathRule.outranks`), without uniting capabilities across patterns.
public struct ACL: Sendable {
    /// Whether the `root` policy is included, which allows every operation on every path.
    public let isRoot: Bool
    /// The names of the policies the ACL was built from, in the order given.
    public let policyNames: [String]
    private let exactRules: [String: PathRule]
    private let globRules: GlobRuleIndex

    /// An ACL that allows nothing.
    public static let empty = ACL(policies: [])

    /// The ACL of a root token, which allows everything.
    public static let root = ACL(policies: [.root])

    /// Compiles `policies` into an ACL.
    public init(policies: [Policy]) {
        isRoot = policies.contains { $0.isRoot }
        policyNames = policies.map(\.name)

        var merged: [String: PathRule] = [:]
        for rule in policies.lazy.flatMap(\.rules) {
            guard let existing = merged[rule.pattern] else {
                merged[rule.pattern] = rule
                continue
            }
            let union = existing.capabilities.union(rule.capabilities)
            merged[rule.pattern] = existing.with(capabilities: union.contains(.deny) ? .deny : union)
        }

        var exact: [String: PathRule] = [:]
        var globs: [PathRule] = []
        for rule in merged.values {
            if rule.isExact {
                exact[rule.pattern] = rule
            } else {
                globs.append(rule)
            }
        }
        exactRules = exact
        globRules = GlobRuleIndex(rules: globs)
    }

    /// The rule that decides access to `path`, or `nil` when none matches (and so nothing is allowed).
    public func matchingRule(for path: String) -> PathRule? {
        exactRules[path] ?? globRules.bestMatch(for: path)
    }

    /// What the ACL grants on `path`; `root` gets `Capabilities.all`, and no match grants nothing.
    public func capabilities(for path: String) -> Capabilities {
        if isRoot { return .all }
        return matchingRule(for: path)?.capabilities ?? []
    }

    /// The capabilities on `path` as `sys/capabilities-self` reports them: `["root"]` for root,
    /// `["deny"]` when nothing is granted, otherwise the sorted names.
    public func capabilityNames(for path: String) -> [String] {
        isRoot ? [Policy.rootName] : capabilities(for: path).names
    }

    /// Whether `operation` on `path` is allowed.
    public func allows(_ operation: LogicalOperation, path: String) -> Bool {
        capabilities(for: path).allows(operation)
    }

    /// Whether the ACL grants `sudo` on `path`, which root-protected paths require on top of the operation.
    public func hasSudo(path: String) -> Bool {
        let capabilities = capabilities(for: path)
        return !capabilities.contains(.deny) && capabilities.contains(.sudo)
    }
}
