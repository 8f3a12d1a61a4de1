import CofferBase

/// The settings a `metadata/` write or patch carries, checked in full before anything is stored.
struct KVMetadataUpdate {
    /// A new `max_versions`, when given.
    var maxVersions: Int64?
    /// A new `cas_required`, when given.
    var casRequired: Bool?
    /// A new `delete_version_after` in seconds, when given.
    var deleteVersionAfter: Int64?
    /// Replacement custom metadata (write), or a merge patch of it whose `null` members remove (patch).
    var customMetadata: [String: JSON]?
    /// Whether `customMetadata` is merged into the existing map rather than replacing it.
    var merging: Bool

    /// Whether the request carries no setting at all, which Vault treats as a no-op.
    var isEmpty: Bool {
        maxVersions == nil && casRequired == nil && deleteVersionAfter == nil && customMetadata == nil
    }

    /// Vault's warning when a key turns `cas_required` off that the mount still demands.
    func warnings(_ config: KVv2Config) -> [String] {
        guard casRequired == false, config.casRequired else { return [] }
        return ["\"cas_required\" set to false, but is mandated by backend config. This value will be ignored."]
    }

    /// Reads the fields of `body`; a 400 naming the first bad field.
    init(_ body: [String: JSON], merging: Bool) throws(CofferError) {
        self.merging = merging
        if let value = body["max_versions"], !value.isNull {
            maxVersions = try KVFields.nonNegativeInt("max_versions", value)
        }
        if let value = body["cas_required"], !value.isNull {
            casRequired = try KVFields.bool("cas_required", value)
        }
        if let value = body["delete_version_after"], !value.isNull {
            deleteVersionAfter = try KVFields.duration("delete_version_after", value)
        }
        if let value = body["custom_metadata"], !value.isNull {
            guard case .object(let members) = value else {
                throw KVFields.wrongType("custom_metadata", "an object of strings", value)
            }
            _ = try KVFields.customMetadata("custom_metadata", merging ? members.filter { !$0.value.isNull } : members)
            customMetadata = members
        }
    }

    /// Sets the carried fields on `metadata`; fields the request left out keep their values.
    func apply(to metadata: inout KVMetadata) throws(CofferError) {
        if let maxVersions { metadata.maxVersions = maxVersions }
        if let casRequired { metadata.casRequired = casRequired }
        if let deleteVersionAfter { metadata.deleteVersionAfter = deleteVersionAfter }
        guard let customMetadata else { return }
        var members = customMetadata
        if merging {
            let current = JSON.object(metadata.customMetadata.mapValues(JSON.string))
            members = JSONMergePatch.apply(.object(customMetadata), to: current).objectValue ?? [:]
        }
        // Checked again because a merge can grow the map past Vault's limits.
        metadata.customMetadata = try KVFields.customMetadata("custom_metadata", members)
    }
}
