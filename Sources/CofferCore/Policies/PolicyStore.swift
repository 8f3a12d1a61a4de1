import CofferBase
import Synchronization

/// Stores ACL policies (replicated data, `sys/policy/<name>`) and compiles them into cached ACLs.
///
/// `root` is built in and immutable; `default` is written at init and may be edited but not deleted.
public final class PolicyStore: Sendable {
    private let view: StorageView
    private let policies = ReadWriteLock<[String: Policy]>([:])
    private let acls = ReadWriteLock<[String: ACL]>([:])

    public init(view: StorageView) {
        self.view = view
    }

    /// Names that cannot be written.
    static let immutable: Set<String> = ["root", "response-wrapping"]

    /// Validates a policy name as Vault does: lower-cased, non-empty.
    static func normalizedName(_ name: String) throws(CofferError) -> String {
        let lowered = name.lowercased()
        guard !lowered.isEmpty, !lowered.contains("/") else { throw .badRequest("invalid policy name") }
        return lowered
    }

    /// The stored operations that create the `default` policy (used by `sys/init`).
    static func initialOperations() -> [(String, [UInt8])] {
        let record: JSON = ["name": "default", "policy": .string(Policy.defaultPolicyDocument)]
        return [("default", record.serialized())]
    }

    /// The policy with this name, or `nil`.
    public func get(_ name: String) throws(CofferError) -> Policy? {
        if let cached = policies.read({ $0[name] }) { return cached }
        guard let record = try view.getJSON(name), let document = record["policy"]?.stringValue else { return nil }
        let policy: Policy
        do {
            policy = try Policy.parse(name: name, document: document)
        } catch {
            throw .internalError("stored policy does not parse")
        }
        policies.write { $0[name] = policy }
        return policy
    }

    /// Parses and stores a policy; a document that does not parse changes nothing.
    public func put(name: String, document: String) throws(CofferError) {
        let name = try Self.normalizedName(name)
        guard !Self.immutable.contains(name) else { throw .badRequest("cannot update \(name) policy") }
        let policy: Policy
        do {
            policy = try Policy.parse(name: name, document: document)
        } catch {
            throw .badRequest("failed to parse policy: \(error)")
        }
        let record: JSON = ["name": .string(name), "policy": .string(document)]
        try view.putJSON(name, record)
        policies.write { $0[name] = policy }
        acls.write { $0.removeAll() }
    }

    /// Deletes a policy; `root` and `default` cannot be deleted.
    public func delete(name: String) throws(CofferError) {
        let name = try Self.normalizedName(name)
        guard name != "root", name != "default" else { throw .badRequest("cannot delete \(name) policy") }
        try view.delete(name)
        policies.write { _ = $0.removeValue(forKey: name) }
        acls.write { $0.removeAll() }
    }

    /// Every stored policy name plus `root`, sorted.
    public func names() throws(CofferError) -> [String] {
        (try view.list("") + ["root"]).sorted()
    }

    /// The compiled ACL for a set of policy names; unknown names contribute nothing.
    public func acl(for names: [String]) throws(CofferError) -> ACL {
        let key = names.sorted().joined(separator: "\n")
        if let cached = acls.read({ $0[key] }) { return cached }
        var loaded: [Policy] = []
        var isRoot = false
        for name in names {
            if name == "root" {
                isRoot = true
            } else if let policy = try get(name) {
                loaded.append(policy)
            }
        }
        let acl = isRoot ? ACL.root : ACL(policies: loaded)
        acls.write { cache in
            if cache.count > 4096 { cache.removeAll() }
            cache[key] = acl
        }
        return acl
    }

    /// Drops cached policies and ACLs.
    public func clearCache() {
        policies.write { $0.removeAll() }
        acls.write { $0.removeAll() }
    }
}
