/// The operations a policy grants on a path, named as Vault names them.
///
/// `deny` is kept as a member rather than as the empty set because it must survive merging:
/// when policies share a pattern, a `deny` on it overrides whatever the others grant.
public struct Capabilities: OptionSet, Sendable, Hashable, CustomStringConvertible {
    /// The bit set; the bit assignment is internal and never stored.
    public let rawValue: UInt16

    /// Creates capabilities from their bits.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// Refuses every operation, overriding all other capabilities on the same pattern.
    public static let deny = Capabilities(rawValue: 1 << 0)
    /// Write to a path that does not exist yet.
    public static let create = Capabilities(rawValue: 1 << 1)
    /// Read a path.
    public static let read = Capabilities(rawValue: 1 << 2)
    /// Write to a path that exists.
    public static let update = Capabilities(rawValue: 1 << 3)
    /// Partially update a path.
    public static let patch = Capabilities(rawValue: 1 << 4)
    /// Delete a path.
    public static let delete = Capabilities(rawValue: 1 << 5)
    /// List the keys under a path.
    public static let list = Capabilities(rawValue: 1 << 6)
    /// Use root-protected paths, in addition to the operation's own capability.
    public static let sudo = Capabilities(rawValue: 1 << 7)

    /// Everything a root token may do.
    public static let all: Capabilities = [.create, .read, .update, .patch, .delete, .list, .sudo]

    /// What the legacy `policy = "read"` shorthand grants.
    static let legacyRead: Capabilities = [.read, .list]
    /// What the legacy `policy = "write"` shorthand grants.
    static let legacyWrite: Capabilities = [.create, .read, .update, .delete, .list]
    /// What the legacy `policy = "sudo"` shorthand grants.
    static let legacySudo: Capabilities = legacyWrite.union(.sudo)

    private static let named: [(name: String, capability: Capabilities)] = [
        ("create", .create), ("delete", .delete), ("deny", .deny), ("list", .list), ("patch", .patch),
        ("read", .read), ("sudo", .sudo), ("update", .update),
    ]

    /// The capability called `name` in a policy document, or `nil` when Vault has no such capability.
    public init?(name: String) {
        guard let match = Self.named.first(where: { $0.name == name }) else { return nil }
        self = match.capability
    }

    /// The capability an operation needs.
    public init(_ operation: LogicalOperation) {
        switch operation {
        case .read: self = .read
        case .create: self = .create
        case .update: self = .update
        case .patch: self = .patch
        case .delete: self = .delete
        case .list: self = .list
        }
    }

    /// Whether these capabilities permit `operation`; a `deny` permits nothing.
    public func allows(_ operation: LogicalOperation) -> Bool {
        !contains(.deny) && contains(Capabilities(operation))
    }

    /// The names in alphabetical order; nothing granted reads as `["deny"]`, as Vault reports it.
    public var names: [String] {
        guard !contains(.deny), !isEmpty else { return ["deny"] }
        return Self.named.filter { contains($0.capability) }.map(\.name)
    }

    /// The names joined by commas.
    public var description: String { names.joined(separator: ", ") }
}
