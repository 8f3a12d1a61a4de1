import CofferBase

/// `sys/mounts`, `sys/mounts/<path>` and `sys/mounts/<path>/tune`.
struct MountsEndpoint {
    let core: Core
    let context: RequestContext

    private var registry: MountRegistry { context.node.mounts }

    func handle(_ segments: [String], _ operation: LogicalOperation) throws(CofferError) -> VaultResponse {
        let parts = segments.filter { !$0.isEmpty }
        if parts.isEmpty {
            guard operation == .read else { throw CofferError.unsupportedOperation }
            return SystemBackend(core: core).legacyListing(listing())
        }
        if parts.last == "tune", parts.count > 1 {
            return try tune(MountRegistry.normalize(parts.dropLast().joined(separator: "/")), operation)
        }
        let path = try MountRegistry.normalize(parts.joined(separator: "/"))
        switch operation {
        case .read:
            guard let entry = registry.table.entries[path] else {
                throw CofferError.badRequest("no secrets engine is mounted at \"\(path)\"")
            }
            return core.envelope(LogicalResponse(data: entry.listing().objectValue))
        case .update, .create:
            try enable(path)
            return VaultResponse(status: 204)
        case .delete:
            if registry.table.entries[path] != nil { try registry.disable(path: path) }
            return VaultResponse(status: 204)
        default:
            throw CofferError.unsupportedOperation
        }
    }

    private func listing() -> [String: JSON] {
        var map: [String: JSON] = [:]
        for entry in registry.table.entries.values { map[entry.path] = entry.listing() }
        map["sys/"] = [
            "type": "system", "description": "system endpoints used for control, policy and debugging",
            "uuid": "", "accessor": "system_builtin", "local": false, "seal_wrap": true,
            "external_entropy_access": false, "options": .null,
            "config": ["default_lease_ttl": 0, "max_lease_ttl": 0, "force_no_cache": false],
        ]
        return map
    }

    private func enable(_ path: String) throws(CofferError) {
        let fields = context.fields
        var type = try fields.requiredString("type")
        var options = try fields.stringMap("options") ?? [:]
        switch type {
        case "kv-v2":
            type = "kv"
            options["version"] = "2"
        case "kv", "generic":
            let version = options["version"] ?? "1"
            guard version == "1" || version == "2" else {
                throw CofferError.badRequest("field \"options.version\": must be \"1\" or \"2\"")
            }
            options["version"] = version
        default:
            throw CofferError.badRequest("plugin not found in the catalog: \(type)")
        }
        var entry = MountRegistry.makeEntry(
            path: path, type: type, local: try fields.bool("local") ?? false, options: options)
        entry.description = try fields.string("description") ?? ""
        entry.sealWrap = try fields.bool("seal_wrap") ?? false
        if let config = try fields.object("config") {
            let configFields = Fields(config)
            entry.defaultLeaseTTL = try configFields.duration("default_lease_ttl") ?? 0
            entry.maxLeaseTTL = try configFields.duration("max_lease_ttl") ?? 0
        }
        try registry.enable(entry)
        core.logger.info(
            "secrets engine enabled", ["mount.path": path, "mount.type": type, "mount.local": "\(entry.local)"])
    }

    private func tune(_ path: String, _ operation: LogicalOperation) throws(CofferError) -> VaultResponse {
        guard var entry = registry.table.entries[path] else {
            throw CofferError.badRequest("no secrets engine is mounted at \"\(path)\"")
        }
        switch operation {
        case .read:
            return core.envelope(
                LogicalResponse(data: [
                    "default_lease_ttl": .int(entry.defaultLeaseTTL == 0 ? 2_764_800 : entry.defaultLeaseTTL),
                    "max_lease_ttl": .int(entry.maxLeaseTTL == 0 ? 2_764_800 : entry.maxLeaseTTL),
                    "description": .string(entry.description), "force_no_cache": false,
                    "options": entry.options.isEmpty ? .null : .object(entry.options.mapValues(JSON.string)),
                ]))
        case .update, .create:
            let fields = context.fields
            if let ttl = try fields.duration("default_lease_ttl") { entry.defaultLeaseTTL = ttl }
            if let ttl = try fields.duration("max_lease_ttl") { entry.maxLeaseTTL = ttl }
            if let description = try fields.string("description") { entry.description = description }
            if let options = try fields.stringMap("options") {
                if let version = options["version"], version != entry.options["version"] {
                    throw CofferError.badRequest("changing the KV version of a mount is not supported")
                }
                entry.options.merge(options) { _, new in new }
            }
            guard entry.maxLeaseTTL == 0 || entry.defaultLeaseTTL <= entry.maxLeaseTTL else {
                throw CofferError.badRequest("default_lease_ttl must not exceed max_lease_ttl")
            }
            try registry.update(entry)
            return VaultResponse(status: 204)
        default:
            throw CofferError.unsupportedOperation
        }
    }
}
