import CofferBase

/// One mounted secrets engine: where it is, what it is, and where its data lives.
public struct MountEntry: Sendable, Equatable {
    /// The mount path with a trailing slash, e.g. `secret/`.
    public var path: String
    /// The engine type as Vault names it (`kv`).
    public var type: String
    public var description: String
    public var uuid: String
    public var accessor: String
    /// A local mount never replicates; its data lives below `local/` (DESIGN.md §3).
    public var local: Bool
    public var sealWrap: Bool
    public var options: [String: String]
    public var defaultLeaseTTL: Int64
    public var maxLeaseTTL: Int64
    /// The table the entry belongs to; implied by where it is stored, so never serialized.
    public var kind: MountKind = .secrets

    /// The storage prefix of the mount's data.
    public var dataPrefix: String {
        (local ? DataClass.localPrefix : "") + kind.dataRoot + "\(uuid)/"
    }

    /// The prefix of what the mount keeps per cluster even when it replicates (such as the use
    /// counts of AppRole secret IDs); the same as `dataPrefix` for a local mount.
    public var localDataPrefix: String {
        DataClass.localPrefix + kind.dataRoot + "\(uuid)/"
    }

    /// The KV version for `kv` mounts: 2 when `options.version` is `"2"`, else 1.
    public var kvVersion: Int { options["version"] == "2" ? 2 : 1 }

    func serialized() -> JSON {
        [
            "path": .string(path), "type": .string(type), "description": .string(description),
            "uuid": .string(uuid), "accessor": .string(accessor), "local": .bool(local),
            "seal_wrap": .bool(sealWrap), "options": .object(options.mapValues(JSON.string)),
            "default_lease_ttl": .int(defaultLeaseTTL), "max_lease_ttl": .int(maxLeaseTTL),
        ]
    }

    static func deserialize(_ value: JSON, kind: MountKind) -> MountEntry? {
        guard let path = value["path"]?.stringValue, let type = value["type"]?.stringValue,
            let uuid = value["uuid"]?.stringValue
        else { return nil }
        return MountEntry(
            path: path, type: type, description: value["description"]?.stringValue ?? "", uuid: uuid,
            accessor: value["accessor"]?.stringValue ?? "", local: value["local"]?.boolValue ?? false,
            sealWrap: value["seal_wrap"]?.boolValue ?? false,
            options: value["options"]?.objectValue?.compactMapValues(\.stringValue) ?? [:],
            defaultLeaseTTL: value["default_lease_ttl"]?.intValue ?? 0,
            maxLeaseTTL: value["max_lease_ttl"]?.intValue ?? 0, kind: kind)
    }

    /// The entry as `sys/mounts` or `sys/auth` shows it.
    func listing() -> JSON {
        var config: [String: JSON] = [
            "default_lease_ttl": .int(defaultLeaseTTL), "max_lease_ttl": .int(maxLeaseTTL), "force_no_cache": false,
        ]
        if kind == .auth { config["token_type"] = "default-service" }
        return [
            "type": .string(type), "description": .string(description), "uuid": .string(uuid),
            "accessor": .string(accessor), "local": .bool(local), "seal_wrap": .bool(sealWrap),
            "external_entropy_access": false,
            "options": options.isEmpty ? .null : .object(options.mapValues(JSON.string)),
            "config": .object(config),
            "plugin_version": "", "running_plugin_version": "", "running_sha256": "",
        ]
    }
}
