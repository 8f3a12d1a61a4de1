import CofferBase
import CofferCrypto

/// `sys/auth`, `sys/auth/<path>` and `sys/auth/<path>/tune`: the auth methods below `auth/`.
struct AuthEndpoint {
    let core: Core
    let context: RequestContext

    /// The auth method types this server can mount.
    static let types: Set<String> = ["userpass", "approle"]

    private var registry: MountRegistry { context.node.authMounts }

    func handle(_ segments: [String], _ operation: LogicalOperation) throws(CofferError) -> VaultResponse {
        let parts = segments.filter { !$0.isEmpty }
        if parts.isEmpty {
            guard operation == .read else { throw CofferError.unsupportedOperation }
            var map: [String: JSON] = [:]
            for entry in registry.table.entries.values { map[entry.path] = entry.listing() }
            return SystemBackend(core: core).legacyListing(map)
        }
        if parts.last == "tune", parts.count > 1 {
            return try tune(MountRegistry.normalize(parts.dropLast().joined(separator: "/")), operation)
        }
        let path = try MountRegistry.normalize(parts.joined(separator: "/"))
        switch operation {
        case .read:
            guard let entry = registry.table.entries[path] else {
                throw CofferError.badRequest("no auth method is mounted at \"\(path)\"")
            }
            return core.envelope(LogicalResponse(data: entry.listing().objectValue))
        case .update, .create:
            try enable(path)
            return VaultResponse(status: 204)
        case .delete:
            guard path != "token/" else { throw CofferError.badRequest("token credential backend cannot be disabled") }
            guard let entry = registry.table.entries[path] else { return VaultResponse(status: 204) }
            try registry.disable(path: path)
            try core.removeAuthRemains(entry, node: context.node)
            core.logger.info("auth method disabled", ["auth.path": path, "auth.type": entry.type])
            return VaultResponse(status: 204)
        default:
            throw CofferError.unsupportedOperation
        }
    }

    private func enable(_ path: String) throws(CofferError) {
        let fields = context.fields
        let type = try fields.requiredString("type")
        guard type != "token" else { throw CofferError.badRequest("token credential backend cannot be instantiated") }
        guard Self.types.contains(type) else {
            throw CofferError.badRequest("plugin not found in the catalog: \(type)")
        }
        let local = try fields.bool("local") ?? false
        var entry = MountRegistry.makeEntry(
            path: path, type: type, local: local, options: try fields.stringMap("options") ?? [:], kind: .auth)
        entry.description = try fields.string("description") ?? ""
        entry.sealWrap = try fields.bool("seal_wrap") ?? false
        if let config = try fields.object("config") {
            let configFields = Fields(config)
            entry.defaultLeaseTTL = try configFields.duration("default_lease_ttl") ?? 0
            entry.maxLeaseTTL = try configFields.duration("max_lease_ttl") ?? 0
        }
        try Self.checkTTLs(entry)
        // The salt for hashed role and secret IDs exists from the start, so no login ever has to
        // write it; on a secondary, a login must not need a write to replicated data.
        let salt = StorageView(store: core.entryStore, prefix: entry.dataPrefix).absolute(
            .put(key: "salt", value: SecureRandom.bytes(32)))
        try registry.enable(entry, initialOperations: [salt])
        core.logger.info("auth method enabled", ["auth.path": path, "auth.type": type, "auth.local": "\(local)"])
    }

    private static func checkTTLs(_ entry: MountEntry) throws(CofferError) {
        guard entry.maxLeaseTTL == 0 || entry.defaultLeaseTTL <= entry.maxLeaseTTL else {
            throw CofferError.badRequest("default_lease_ttl must not exceed max_lease_ttl")
        }
    }

    private func tune(_ path: String, _ operation: LogicalOperation) throws(CofferError) -> VaultResponse {
        guard var entry = registry.table.entries[path] else {
            throw CofferError.badRequest("no auth method is mounted at \"\(path)\"")
        }
        switch operation {
        case .read:
            let systemMax = TokenStore.systemMaxTTL
            return core.envelope(
                LogicalResponse(data: [
                    "default_lease_ttl": .int(entry.defaultLeaseTTL == 0 ? systemMax : entry.defaultLeaseTTL),
                    "max_lease_ttl": .int(entry.maxLeaseTTL == 0 ? systemMax : entry.maxLeaseTTL),
                    "description": .string(entry.description), "force_no_cache": false,
                    "token_type": "default-service",
                    "options": entry.options.isEmpty ? .null : .object(entry.options.mapValues(JSON.string)),
                ]))
        case .update, .create:
            let fields = context.fields
            if let ttl = try fields.duration("default_lease_ttl") { entry.defaultLeaseTTL = ttl }
            if let ttl = try fields.duration("max_lease_ttl") { entry.maxLeaseTTL = ttl }
            if let description = try fields.string("description") { entry.description = description }
            try Self.checkTTLs(entry)
            try registry.update(entry)
            return VaultResponse(status: 204)
        default:
            throw CofferError.unsupportedOperation
        }
    }
}
