import CofferBase

/// `sys/policy[/<name>]` (the older shape, `rules`) and `sys/policies/acl[/<name>]` (`policy`).
struct PoliciesEndpoint {
    let core: Core
    let context: RequestContext

    private var store: PolicyStore { context.node.policies }

    func handle(_ segments: [String], _ operation: LogicalOperation) throws(CofferError) -> VaultResponse {
        let legacy = segments[0] == "policy"
        var rest = Array(segments.dropFirst())
        if !legacy {
            guard rest.first == "acl" else {
                throw CofferError.unsupportedPath("sys/" + segments.joined(separator: "/"))
            }
            rest.removeFirst()
        }
        let name = rest.filter { !$0.isEmpty }.joined(separator: "/")
        if name.isEmpty {
            guard operation == .read || operation == .list else { throw CofferError.unsupportedOperation }
            let names = try store.names()
            let data: [String: JSON] =
                legacy ? ["policies": .strings(names), "keys": .strings(names)] : ["keys": .strings(names)]
            var response = core.envelope(LogicalResponse(data: data))
            if legacy, case .object(var body) = response.body {
                body["policies"] = .strings(names)
                response.body = .object(body)
            }
            return response
        }
        switch operation {
        case .read:
            let lowered = try PolicyStore.normalizedName(name)
            let document: String
            if lowered == "root" {
                document = ""
            } else {
                guard let policy = try store.get(lowered) else { throw CofferError.notFound }
                document = policy.raw
            }
            let data: [String: JSON] = ["name": .string(lowered), legacy ? "rules" : "policy": .string(document)]
            return core.envelope(LogicalResponse(data: data))
        case .update, .create:
            let fields = context.fields
            let rules = try fields.string("rules")
            guard let document = try fields.string("policy") ?? rules, !document.isEmpty else {
                throw CofferError.badRequest("missing required field \"policy\"")
            }
            let text = Base64.decode(document).flatMap { String(validating: $0, as: UTF8.self) } ?? document
            try store.put(name: name, document: text)
            core.logger.info("policy written", ["policy.name": name.lowercased()])
            return VaultResponse(status: 204)
        case .delete:
            try store.delete(name: name)
            return VaultResponse(status: 204)
        default:
            throw CofferError.unsupportedOperation
        }
    }
}
