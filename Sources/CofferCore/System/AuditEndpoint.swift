import CofferBase

/// `sys/audit`, `sys/audit/<path>` and `sys/audit-hash/<path>`: the audit devices.
struct AuditEndpoint {
    let core: Core
    let context: RequestContext

    private var registry: AuditRegistry { context.node.audit }

    func handle(_ segments: [String], _ operation: LogicalOperation) throws(CofferError) -> VaultResponse {
        let parts = segments.filter { !$0.isEmpty }
        if parts.isEmpty {
            guard operation == .read else { throw CofferError.unsupportedOperation }
            var map: [String: JSON] = [:]
            for device in registry.devices { map[device.path] = Self.listing(device.entry) }
            return SystemBackend(core: core).legacyListing(map)
        }
        let path = try MountRegistry.normalize(parts.joined(separator: "/"))
        switch operation {
        case .update, .create:
            try enable(path)
            return VaultResponse(status: 204)
        case .delete:
            // Disabling a device that is not there is no error, as in Vault.
            if let entry = try registry.disable(path: path) {
                core.logger.info("audit device disabled", ["audit.path": path, "audit.type": entry.type])
            }
            return VaultResponse(status: 204)
        default:
            throw CofferError.unsupportedOperation
        }
    }

    /// `sys/audit-hash/<path>`: the hash of `input` as the device's log would show it.
    func hash(_ segments: [String], _ operation: LogicalOperation) throws(CofferError) -> VaultResponse {
        guard operation == .update || operation == .create else { throw CofferError.unsupportedOperation }
        let path = try MountRegistry.normalize(segments.filter { !$0.isEmpty }.joined(separator: "/"))
        guard let device = registry.device(at: path) else {
            throw CofferError.badRequest("unknown audit device \"\(path)\"")
        }
        let input = try context.fields.string("input") ?? ""
        let hash: String
        do { hash = try device.hash(input) } catch { throw CofferError.internalError(error.reason) }
        return core.envelope(LogicalResponse(data: ["hash": .string(hash)]))
    }

    private func enable(_ path: String) throws(CofferError) {
        let fields = context.fields
        let type = try fields.requiredString("type")
        let local = try fields.bool("local") ?? false
        var entry = MountRegistry.makeEntry(
            path: path, type: type, local: local, options: try Self.options(fields), kind: .audit)
        entry.description = try fields.string("description") ?? ""
        try registry.enable(entry)
        core.logger.info("audit device enabled", ["audit.path": path, "audit.type": type, "audit.local": "\(local)"])
    }

    /// The `options` object as strings; Vault takes booleans and numbers in their text form.
    private static func options(_ fields: Fields) throws(CofferError) -> [String: String] {
        guard let members = try fields.object("options") else { return [:] }
        var options: [String: String] = [:]
        for (name, value) in members {
            switch value {
            case .string(let text): options[name] = text
            case .bool(let flag): options[name] = String(flag)
            case .int(let number): options[name] = String(number)
            default: throw CofferError.badRequest("field \"options\": \"\(name)\" must be a string")
            }
        }
        return options
    }

    /// An entry as `sys/audit` lists it.
    private static func listing(_ entry: MountEntry) -> JSON {
        [
            "path": .string(entry.path), "type": .string(entry.type), "description": .string(entry.description),
            "options": .object(entry.options.mapValues(JSON.string)), "local": .bool(entry.local),
        ]
    }
}
