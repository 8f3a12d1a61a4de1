import CofferBase
import CofferCrypto

extension AppRoleBackend {
    /// Issues a secret ID for a role (a random one, or the caller's `custom` one) and stores its hash.
    func issueSecretID(
        _ named: (name: String, role: AppRoleRole), custom: String?, _ fields: Fields, _ storage: StorageView
    ) throws(CofferError) -> LogicalResponse {
        let role = named.role
        guard role.bindSecretID else {
            throw CofferError.badRequest("bind_secret_id is not set on the role, so it takes no secret IDs")
        }
        var numUses = role.secretIDNumUses
        if let requested = try fields.int("num_uses") {
            guard requested >= 0 else { throw CofferError.badRequest("\"num_uses\" cannot be negative") }
            guard role.secretIDNumUses == 0 || (requested > 0 && requested <= role.secretIDNumUses) else {
                throw CofferError.badRequest("\"num_uses\" cannot be higher than the role's \"secret_id_num_uses\"")
            }
            numUses = requested
        }
        var ttl = role.secretIDTTL
        if let requested = try fields.duration("ttl"), requested > 0 {
            ttl = role.secretIDTTL == 0 ? requested : min(requested, role.secretIDTTL)
        }
        let secret = custom ?? SecureRandom.uuid()
        var entry = AppRoleSecretID(
            accessor: SecureRandom.uuid(), creationTime: clock().seconds, ttl: ttl, numUses: numUses)
        entry.metadata = try Self.metadata(fields)
        entry.cidrs = try TokenParameters.cidrs(fields, "cidr_list") ?? []
        entry.tokenBoundCIDRs = try TokenParameters.cidrs(fields, "token_bound_cidrs") ?? []
        let hash = try hasher(storage).secretID(secret)
        try KVKeyLocks.shared.withLock(storage.prefix + "role/" + named.name) { () throws(CofferError) in
            // The role may have been deleted or replaced since it was read; its secret IDs must not outlive it.
            guard try loadRole(named.name, storage)?.id == role.id else {
                throw CofferError.badRequest("role \"\(named.name)\" does not exist")
            }
            guard try storage.get("secret-id/\(role.id)/\(hash)") == nil else {
                throw CofferError.badRequest("the secret ID already exists for this role")
            }
            try storage.commit([
                .put(key: "secret-id/\(role.id)/\(hash)", value: entry.serialized().serialized()),
                .put(key: "accessor/\(role.id)/\(entry.accessor)", value: Array(hash.utf8)),
            ])
        }
        return LogicalResponse(data: [
            "secret_id": .string(secret), "secret_id_accessor": .string(entry.accessor),
            "secret_id_ttl": .int(ttl), "secret_id_num_uses": .int(numUses),
        ])
    }

    /// The `metadata` of a new secret ID: an object of strings, or one as a JSON string, as the CLI sends it.
    private static func metadata(_ fields: Fields) throws(CofferError) -> [String: String] {
        let invalid = CofferError.badRequest("field \"metadata\": expected a JSON object of strings")
        if case .string(let text)? = fields.data["metadata"] {
            guard !text.isEmpty else { return [:] }
            guard let parsed = try? JSON.parse(Array(text.utf8)), let members = parsed.objectValue else {
                throw invalid
            }
            return try Fields(["metadata": .object(members)]).stringMap("metadata") ?? [:]
        }
        return try fields.stringMap("metadata") ?? [:]
    }

    /// The secret ID stored under `hash` for `role`, if any.
    func loadSecretID(_ role: AppRoleRole, hash: String, _ storage: StorageView) throws(CofferError) -> AppRoleSecretID?
    {
        guard let document = try storage.getJSON("secret-id/\(role.id)/\(hash)") else { return nil }
        return try AppRoleSecretID(stored: document)
    }

    /// The hash of the secret ID an accessor names.
    func secretHash(_ role: AppRoleRole, accessor: String, _ storage: StorageView) throws(CofferError) -> String {
        guard !accessor.contains("/"), let hash = try storage.get("accessor/\(role.id)/\(accessor)") else {
            throw CofferError.badRequest("failed to find accessor entry for secret_id_accessor")
        }
        return String(decoding: hash, as: UTF8.self)
    }

    /// A secret ID's details with the uses this cluster has left; 204 when there is no such secret ID.
    func lookupSecretID(
        _ role: AppRoleRole, hash: String, _ storage: StorageView
    ) throws(CofferError) -> LogicalResponse {
        guard let entry = try loadSecretID(role, hash: hash, storage) else { return .empty }
        let left = entry.numUses == 0 ? 0 : max(0, entry.numUses - (try spentUses(role, hash: hash, entry: entry)))
        return LogicalResponse(data: entry.lookupData(usesLeft: left))
    }

    /// Deletes a secret ID with its accessor and this cluster's use count; a missing one is no error.
    func destroySecretID(_ role: AppRoleRole, hash: String, _ storage: StorageView) throws(CofferError) {
        guard let entry = try loadSecretID(role, hash: hash, storage) else { return }
        try storage.commit([
            .delete(key: "secret-id/\(role.id)/\(hash)"), .delete(key: "accessor/\(role.id)/\(entry.accessor)"),
        ])
        try clusterLocal.delete(useKey(role, hash))
    }

    // MARK: Use counts

    private func useKey(_ role: AppRoleRole, _ hash: String) -> String {
        "secret-id-uses/\(role.id)/\(hash)"
    }

    /// Uses of this secret ID spent in this cluster; a count left by an earlier secret ID with the
    /// same value (a custom one issued again) belongs to another accessor and does not count.
    private func spentUses(_ role: AppRoleRole, hash: String, entry: AppRoleSecretID) throws(CofferError) -> Int64 {
        guard let count = try clusterLocal.getJSON(useKey(role, hash)),
            count["accessor"]?.stringValue == entry.accessor
        else { return 0 }
        return count["spent"]?.intValue ?? 0
    }

    /// Spends one use, atomically with respect to every other login in this process; a secret ID
    /// with no use left fails like any wrong secret ID.
    func spendUse(_ role: AppRoleRole, hash: String, entry: AppRoleSecretID, _ storage: StorageView) throws(CofferError)
    {
        let key = useKey(role, hash)
        try KVKeyLocks.shared.withLock(clusterLocal.prefix + key) { () throws(CofferError) in
            // Read again under the lock: a login that spent the last use may have deleted it meanwhile.
            guard let current = try loadSecretID(role, hash: hash, storage), current.accessor == entry.accessor else {
                throw Self.invalidCredentials
            }
            let spent = try spentUses(role, hash: hash, entry: current)
            guard spent < current.numUses else { throw Self.invalidCredentials }
            let count: JSON = ["accessor": .string(current.accessor), "spent": .int(spent + 1)]
            try clusterLocal.putJSON(key, count)
            if spent + 1 == current.numUses { removeWherePermitted(role, hash: hash, entry: current, storage) }
        }
    }

    /// Deletes a used-up or expired secret ID where this cluster may change the mount's data; a
    /// secondary keeps it, since its own count or the expiry refuses it anyway, and leaves the
    /// deletion to the primary.
    func removeWherePermitted(_ role: AppRoleRole, hash: String, entry: AppRoleSecretID, _ storage: StorageView) {
        do {
            try storage.commit([
                .delete(key: "secret-id/\(role.id)/\(hash)"), .delete(key: "accessor/\(role.id)/\(entry.accessor)"),
            ])
            try clusterLocal.delete(useKey(role, hash))
        } catch {
            // Only tidying: the login has already been decided, and the entry stays refused.
        }
    }
}
