/// A named, parsed ACL policy: the path rules of one HCL or JSON document.
public struct Policy: Sendable {
    /// The name the policy is stored and attached to tokens under.
    public let name: String
    /// The path rules in document order; a pattern may appear more than once.
    public let rules: [PathRule]
    /// The document as submitted, returned by reads of the policy.
    public let raw: String

    /// The name of the built-in policy that grants everything.
    public static let rootName = "root"
    /// The name of the built-in policy attached to every token by default.
    public static let defaultName = "default"

    /// The `root` policy; it has no document, and an ACL that includes it allows every operation.
    public static let root = Policy(name: rootName, rules: [], raw: "")

    /// Creates a policy from rules already parsed.
    public init(name: String, rules: [PathRule], raw: String) {
        self.name = name
        self.rules = rules
        self.raw = raw
    }

    /// Parses a policy document in HCL (`path "secret/*" { capabilities = ["read"] }`) or JSON
    /// (`{"path": {"secret/*": {"capabilities": ["read"]}}}`).
    public static func parse(name: String, document: String) throws(PolicyError) -> Policy {
        let entries = try HCLParser.parse(document)
        return Policy(name: name, rules: try PolicyDocumentReader.rules(from: entries), raw: document)
    }

    /// Whether this is the built-in `root` policy.
    public var isRoot: Bool { name == Self.rootName }
}
