import CofferBase

/// The metadata of one KV v2 key: its settings and the state of each version it keeps.
///
/// Stored as JSON under `metadata/<path>`; times are RFC 3339 strings in UTC with nine fractional
/// digits, so comparing two of them as strings compares the instants.
struct KVMetadata: Sendable, Equatable {
    /// The state of one version; its data lives in a separate entry.
    struct Version: Sendable, Equatable {
        /// When the version was written.
        var createdTime: String
        /// Empty when the version is not deleted; may lie in the future (`delete_version_after`).
        var deletionTime: String = ""
        /// Whether the version's data was removed for good.
        var destroyed = false

        /// Whether a read at `now` must not return this version's data.
        func isUnreadable(now: () -> String) -> Bool {
            destroyed || (!deletionTime.isEmpty && deletionTime <= now())
        }
    }

    /// When the key was first written.
    var createdTime: String
    /// When the key or its settings last changed.
    var updatedTime: String
    /// The newest version's number; 0 for a key that has metadata only.
    var currentVersion: Int64 = 0
    /// 0 until the key first held as many versions as it may keep, then the oldest version kept
    /// (Vault's convention).
    var oldestVersion: Int64 = 0
    /// Versions this key keeps; 0 defers to the mount.
    var maxVersions: Int64 = 0
    /// Whether writes to this key must carry `options.cas`.
    var casRequired = false
    /// Seconds after which this key's new versions count as deleted; 0 defers to the mount.
    var deleteVersionAfter: Int64 = 0
    /// The operator's own labels for the key (`custom_metadata`).
    var customMetadata: [String: String] = [:]
    /// The versions kept, by number.
    var versions: [Int64: Version] = [:]

    /// Metadata for a key first seen at `now`.
    init(now: String) {
        createdTime = now
        updatedTime = now
    }

    /// Decodes the stored form; a 500 when the entry is damaged.
    init(stored: JSON) throws(CofferError) {
        guard case .object(let members) = stored,
            let created = members["created_time"]?.stringValue,
            let updated = members["updated_time"]?.stringValue,
            case .object(let storedVersions)? = members["versions"]
        else { throw .internalError("damaged KV metadata entry") }
        createdTime = created
        updatedTime = updated
        currentVersion = members["current_version"]?.intValue ?? 0
        oldestVersion = members["oldest_version"]?.intValue ?? 0
        maxVersions = members["max_versions"]?.intValue ?? 0
        casRequired = members["cas_required"]?.boolValue ?? false
        deleteVersionAfter = members["delete_version_after"]?.intValue ?? 0
        if case .object(let custom)? = members["custom_metadata"] {
            customMetadata = custom.compactMapValues(\.stringValue)
        }
        versions.reserveCapacity(storedVersions.count)
        for (number, entry) in storedVersions {
            guard let version = Int64(number), let created = entry["created_time"]?.stringValue else {
                throw .internalError("damaged KV metadata entry")
            }
            versions[version] = Version(
                createdTime: created,
                deletionTime: entry["deletion_time"]?.stringValue ?? "",
                destroyed: entry["destroyed"]?.boolValue ?? false)
        }
    }

    /// The stored form: the read shape, with durations as seconds.
    var storedForm: JSON {
        var members = responseData
        members["delete_version_after"] = .int(deleteVersionAfter)
        return .object(members)
    }

    /// The body of a `metadata/` read, as Vault shapes it.
    var responseData: [String: JSON] {
        var versionMembers: [String: JSON] = [:]
        versionMembers.reserveCapacity(versions.count)
        for (number, version) in versions {
            versionMembers[String(number)] = [
                "created_time": .string(version.createdTime),
                "deletion_time": .string(version.deletionTime),
                "destroyed": .bool(version.destroyed),
            ]
        }
        return [
            "cas_required": .bool(casRequired),
            "created_time": .string(createdTime),
            "current_version": .int(currentVersion),
            "custom_metadata": customMetadataJSON,
            "delete_version_after": .string(KVFields.goDuration(deleteVersionAfter)),
            "max_versions": .int(maxVersions),
            "oldest_version": .int(oldestVersion),
            "updated_time": .string(updatedTime),
            "versions": .object(versionMembers),
        ]
    }

    /// `custom_metadata` as Vault prints it: `null` when there is none.
    var customMetadataJSON: JSON {
        customMetadata.isEmpty ? .null : .object(customMetadata.mapValues(JSON.string))
    }

    /// The per-version block of data reads and writes, or `nil` for a version not kept.
    func versionResponse(_ number: Int64) -> JSON? {
        guard let version = versions[number] else { return nil }
        return [
            "created_time": .string(version.createdTime),
            "custom_metadata": customMetadataJSON,
            "deletion_time": .string(version.deletionTime),
            "destroyed": .bool(version.destroyed),
            "version": .int(number),
        ]
    }

    /// The number of versions to keep: the key's setting, else the mount's, else 10.
    func effectiveMaxVersions(_ config: KVv2Config) -> Int64 {
        if maxVersions > 0 { return maxVersions }
        if config.maxVersions > 0 { return config.maxVersions }
        return KVv2Config.defaultMaxVersions
    }

    /// Seconds after which a new version counts as deleted: the key's setting, else the mount's.
    func effectiveDeleteVersionAfter(_ config: KVv2Config) -> Int64 {
        deleteVersionAfter > 0 ? deleteVersionAfter : config.deleteVersionAfter
    }

    /// Forgets the oldest versions beyond `limit` (at least 1) and returns those whose data entries
    /// still exist, so they can be deleted in the same commit as this metadata.
    mutating func trim(to limit: Int64) -> [Int64] {
        guard Int64(versions.count) >= limit else { return [] }
        let ordered = versions.keys.sorted()
        let dropCount = versions.count - Int(limit)
        var withData: [Int64] = []
        for number in ordered.prefix(dropCount) {
            if let version = versions.removeValue(forKey: number), !version.destroyed { withData.append(number) }
        }
        oldestVersion = ordered[dropCount]
        return withData
    }
}
