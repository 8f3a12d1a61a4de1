import CofferBase

/// The mount-wide settings of a KV v2 engine, stored under the key `config` of the mount's view.
struct KVv2Config: Sendable, Equatable {
    /// The storage key of the settings.
    static let storageKey = "config"
    /// How many versions a key keeps when neither the mount nor the key says.
    static let defaultMaxVersions: Int64 = 10

    /// Versions kept per key; 0 means the default of 10.
    var maxVersions: Int64 = 0
    /// Whether every data write must carry `options.cas`.
    var casRequired = false
    /// Seconds after which a new version counts as deleted; 0 keeps versions forever.
    var deleteVersionAfter: Int64 = 0

    /// The defaults: 10 versions, no check-and-set requirement, versions never expire.
    init() {}

    /// The settings stored in `storage`, or the defaults when none were written.
    static func load(from storage: StorageView) throws(CofferError) -> KVv2Config {
        guard let stored = try storage.getJSON(storageKey) else { return KVv2Config() }
        var config = KVv2Config()
        config.maxVersions = stored["max_versions"]?.intValue ?? 0
        config.casRequired = stored["cas_required"]?.boolValue ?? false
        config.deleteVersionAfter = stored["delete_version_after"]?.intValue ?? 0
        return config
    }

    /// The stored form: durations as seconds.
    var storedForm: JSON {
        [
            "cas_required": .bool(casRequired),
            "delete_version_after": .int(deleteVersionAfter),
            "max_versions": .int(maxVersions),
        ]
    }

    /// The body of a `config` read, as Vault shapes it.
    var responseData: [String: JSON] {
        [
            "cas_required": .bool(casRequired),
            "delete_version_after": .string(KVFields.goDuration(deleteVersionAfter)),
            "max_versions": .int(maxVersions),
        ]
    }

    /// These settings with the fields of a `config` write applied; absent fields stay as they are.
    func applying(_ data: [String: JSON]) throws(CofferError) -> KVv2Config {
        var config = self
        if let value = data["max_versions"], !value.isNull {
            config.maxVersions = try KVFields.nonNegativeInt("max_versions", value)
        }
        if let value = data["cas_required"], !value.isNull {
            config.casRequired = try KVFields.bool("cas_required", value)
        }
        if let value = data["delete_version_after"], !value.isNull {
            config.deleteVersionAfter = try KVFields.duration("delete_version_after", value)
        }
        return config
    }
}
