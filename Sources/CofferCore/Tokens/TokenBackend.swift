import CofferBase

/// The token auth method at `auth/token/`: create, look up, renew and revoke service tokens.
struct TokenBackend {
    /// Serves `auth/token/<path>` after the ACL check.
    func handle(
        _ path: String, operation: LogicalOperation, context: RequestContext
    ) throws(CofferError) -> LogicalResponse {
        let store = context.node.tokens
        let fields = context.fields
        let now = Clock.now().seconds
        switch (path, operation) {
        case ("create", .update), ("create-orphan", .update):
            return try create(context: context, forceOrphan: path == "create-orphan")
        case ("lookup-self", .read), ("lookup-self", .update):
            return LogicalResponse(data: context.caller.lookupData(id: context.token, now: now))
        case ("lookup", .update), ("lookup", .read):
            let token = try fields.requiredString("token")
            guard let entry = try store.lookup(token: token) else { throw CofferError.badRequest("bad token") }
            return LogicalResponse(data: entry.lookupData(id: token, now: now))
        case ("lookup-accessor", .update):
            let entry = try entry(accessor: fields.requiredString("accessor"), store: store)
            return LogicalResponse(data: entry.lookupData(id: "", now: now))
        case ("renew-self", .update):
            let renewed = try store.renew(hash: context.caller.hash, increment: fields.duration("increment"))
            return LogicalResponse(auth: renewed.authBlock(token: context.token))
        case ("renew", .update):
            let token = try fields.requiredString("token")
            let renewed = try store.renew(hash: store.hash(token), increment: fields.duration("increment"))
            return LogicalResponse(auth: renewed.authBlock(token: token))
        case ("renew-accessor", .update):
            let target = try entry(accessor: fields.requiredString("accessor"), store: store)
            let renewed = try store.renew(hash: target.hash, increment: fields.duration("increment"))
            return LogicalResponse(auth: renewed.authBlock(token: ""))
        case ("revoke-self", .update):
            try store.revoke(hash: context.caller.hash, orphanChildren: false)
            return .empty
        case ("revoke", .update):
            try store.revoke(hash: store.hash(fields.requiredString("token")), orphanChildren: false)
            return .empty
        case ("revoke-orphan", .update):
            try store.revoke(hash: store.hash(fields.requiredString("token")), orphanChildren: true)
            return .empty
        case ("revoke-accessor", .update):
            let target = try entry(accessor: fields.requiredString("accessor"), store: store)
            try store.revoke(hash: target.hash, orphanChildren: false)
            return .empty
        case ("accessors", .list), ("accessors/", .list):
            return LogicalResponse(data: ["keys": .strings(try store.accessors())])
        case ("create", _), ("create-orphan", _), ("lookup-self", _), ("lookup", _), ("lookup-accessor", _),
            ("renew-self", _), ("renew", _), ("renew-accessor", _), ("revoke-self", _), ("revoke", _),
            ("revoke-orphan", _), ("revoke-accessor", _), ("accessors", _):
            throw CofferError.unsupportedOperation
        default:
            throw CofferError.unsupportedPath("auth/token/" + path)
        }
    }

    private func entry(accessor: String, store: TokenStore) throws(CofferError) -> TokenEntry {
        guard let entry = try store.lookup(accessor: accessor) else { throw CofferError.badRequest("invalid accessor") }
        return entry
    }

    private func create(context: RequestContext, forceOrphan: Bool) throws(CofferError) -> LogicalResponse {
        let fields = context.fields
        let caller = context.caller
        let privileged = caller.isRoot || context.acl.hasSudo(path: "auth/token/create")
        var requested = try fields.stringList("policies") ?? caller.policies.filter { $0 != "root" || caller.isRoot }
        requested = Array(Set(requested.map { $0.lowercased() })).sorted()
        if try fields.bool("no_default_policy") != true, !requested.contains("root"), !requested.contains("default") {
            requested.append("default")
        }
        if !caller.isRoot {
            let allowed = Set(caller.policies + ["default"])
            guard requested.allSatisfy(allowed.contains) else {
                throw CofferError.badRequest("child policies must be subset of parent")
            }
        }
        var create = TokenStore.CreateRequest(policies: requested)
        if let id = try fields.string("id") {
            guard caller.isRoot else {
                throw CofferError.badRequest("root or sudo privileges required to specify token id")
            }
            create.id = id
        }
        let noParent = try fields.bool("no_parent") ?? false
        create.orphan = forceOrphan || noParent
        if create.orphan, !forceOrphan, !privileged {
            throw CofferError.badRequest("root or sudo privileges required to create orphan token")
        }
        create.meta = try fields.stringMap("meta") ?? [:]
        create.displayName = "token" + ((try fields.string("display_name")).map { "-" + $0 } ?? "")
        let uses = try fields.int("num_uses") ?? 0
        guard uses >= 0 else { throw CofferError.badRequest("number of uses cannot be negative") }
        create.numUses = uses
        let lease = try fields.duration("lease")
        create.ttl = try fields.duration("ttl") ?? lease
        create.explicitMaxTTL = try fields.duration("explicit_max_ttl") ?? 0
        create.period = try fields.duration("period") ?? 0
        create.renewable = try fields.bool("renewable") ?? true
        if let type = try fields.string("type"), type != "service", type != "default" {
            throw CofferError.badRequest("only service tokens are supported")
        }
        create.path = forceOrphan ? "auth/token/create-orphan" : "auth/token/create"
        let (token, entry) = try context.node.tokens.create(create, parent: caller)
        return LogicalResponse(auth: entry.authBlock(token: token))
    }
}
