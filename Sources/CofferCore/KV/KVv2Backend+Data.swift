import CofferBase
import CofferStorage

/// The `data/` path: versioned reads, writes, merge patches and soft deletes of the latest version.
extension KVv2Backend {
    /// A version resolved for a read: its number and state block.
    struct ResolvedVersion {
        /// The version's number.
        var number: Int64
        /// The version's `metadata` block for responses.
        var block: JSON
        /// Whether the version is deleted or destroyed, so reads answer 404.
        var isUnreadable: Bool
    }

    /// The version a read names (`?version=N`, default latest); a 404 when the key or version is unknown.
    func resolveVersion(
        _ path: String, _ query: [String: JSON], storage: StorageView
    ) throws(CofferError) -> ResolvedVersion {
        let requested = try KVFields.optionalNonNegativeInt("version", query["version"]) ?? 0
        guard let metadata = try loadMetadata(path, storage: storage) else { throw .notFound }
        let number = requested == 0 ? metadata.currentVersion : requested
        guard let version = metadata.versions[number], let block = metadata.versionResponse(number) else {
            throw .notFound
        }
        return ResolvedVersion(number: number, block: block, isUnreadable: version.isUnreadable(now: now))
    }

    /// The data and version metadata of a version; 404 with the metadata when it is deleted or destroyed.
    func readData(
        _ path: String, _ query: [String: JSON], storage: StorageView
    ) throws(CofferError) -> LogicalResponse {
        let resolved = try resolveVersion(path, query, storage: storage)
        if resolved.isUnreadable {
            return LogicalResponse(data: ["data": .null, "metadata": resolved.block], status: 404)
        }
        guard let stored = try storage.getJSON(Self.versionKey(path, resolved.number)) else { throw .notFound }
        return LogicalResponse(data: ["data": stored, "metadata": resolved.block])
    }

    /// Stores a new version from `data`, honouring `options.cas`, and answers its version metadata.
    func writeData(
        _ path: String, _ body: [String: JSON], storage: StorageView
    ) throws(CofferError) -> LogicalResponse {
        let data = try Self.dataField(body)
        let cas = try Self.casOption(body)
        return try locked(path, storage: storage) { () throws(CofferError) in
            let config = try KVv2Config.load(from: storage)
            let metadata = try loadMetadata(path, storage: storage)
            try Self.checkCAS(cas, metadata: metadata, config: config)
            return try commitVersion(data, of: path, metadata: metadata, config: config, storage: storage)
        }
    }

    /// Stores a new version: the latest live version's data with `data` merged in (RFC 7396).
    func patchData(
        _ path: String, _ body: [String: JSON], storage: StorageView
    ) throws(CofferError) -> LogicalResponse {
        let patch = try Self.dataField(body)
        let cas = try Self.casOption(body)
        return try locked(path, storage: storage) { () throws(CofferError) in
            let config = try KVv2Config.load(from: storage)
            guard let metadata = try loadMetadata(path, storage: storage) else { throw .notFound }
            try Self.checkCAS(cas, metadata: metadata, config: config)
            let latest = metadata.currentVersion
            guard let version = metadata.versions[latest] else { throw .notFound }
            // Vault answers a deleted or destroyed latest version with 404 and its version block.
            if version.isUnreadable(now: now) {
                return LogicalResponse(data: metadata.versionResponse(latest)?.objectValue, status: 404)
            }
            guard case .object(let current)? = try storage.getJSON(Self.versionKey(path, latest)) else {
                throw .notFound
            }
            let merged = JSONMergePatch.apply(.object(patch), to: .object(current)).objectValue ?? [:]
            return try commitVersion(merged, of: path, metadata: metadata, config: config, storage: storage)
        }
    }

    /// Soft-deletes the latest version; a key without a live latest version is left as it is.
    func deleteLatest(_ path: String, storage: StorageView) throws(CofferError) -> LogicalResponse {
        try locked(path, storage: storage) { () throws(CofferError) in
            guard var metadata = try loadMetadata(path, storage: storage),
                var latest = metadata.versions[metadata.currentVersion]
            else { return .empty }
            let stamp = now()
            guard !latest.isUnreadable(now: { stamp }) else { return .empty }
            latest.deletionTime = stamp
            metadata.versions[metadata.currentVersion] = latest
            try storage.putJSON(Self.metadataKey(path), metadata.storedForm)
            return .empty
        }
    }

    /// Stores `data` as the next version, trims versions beyond the limit, all in one commit.
    private func commitVersion(
        _ data: [String: JSON], of path: String, metadata existing: KVMetadata?, config: KVv2Config,
        storage: StorageView
    ) throws(CofferError) -> LogicalResponse {
        let time = clock()
        let stamp = Clock.rfc3339(time)
        var metadata = existing ?? KVMetadata(now: stamp)
        let number = metadata.currentVersion + 1
        let lifetime = metadata.effectiveDeleteVersionAfter(config)
        let deletionTime = lifetime > 0 ? Clock.rfc3339(time.adding(seconds: lifetime)) : ""
        metadata.versions[number] = KVMetadata.Version(createdTime: stamp, deletionTime: deletionTime)
        metadata.currentVersion = number
        metadata.updatedTime = stamp
        var operations: [StorageOperation] = [
            .put(key: Self.versionKey(path, number), value: JSON.object(data).serialized())
        ]
        for dropped in metadata.trim(to: metadata.effectiveMaxVersions(config)) {
            operations.append(.delete(key: Self.versionKey(path, dropped)))
        }
        operations.append(.put(key: Self.metadataKey(path), value: metadata.storedForm.serialized()))
        try storage.commit(operations)
        return LogicalResponse(data: metadata.versionResponse(number)?.objectValue)
    }

    /// The `data` member of a write: required, and an object.
    static func dataField(_ body: [String: JSON]) throws(CofferError) -> [String: JSON] {
        switch body["data"] {
        case nil, .null?: throw .badRequest("no data provided")
        case .object(let members)?: return members
        case let other?: throw KVFields.wrongType("data", "an object", other)
        }
    }

    /// `options.cas` of a write, when given.
    static func casOption(_ body: [String: JSON]) throws(CofferError) -> Int64? {
        guard let options = body["options"], !options.isNull else { return nil }
        guard case .object(let members) = options else { throw KVFields.wrongType("options", "an object", options) }
        return try KVFields.optionalNonNegativeInt("cas", members["cas"])
    }

    /// Refuses a write whose check-and-set does not hold, in Vault's words.
    static func checkCAS(_ cas: Int64?, metadata: KVMetadata?, config: KVv2Config) throws(CofferError) {
        guard let cas else {
            if config.casRequired || metadata?.casRequired == true {
                throw .badRequest("check-and-set parameter required for this call")
            }
            return
        }
        guard cas == metadata?.currentVersion ?? 0 else {
            throw .badRequest("check-and-set parameter did not match the current version")
        }
    }
}
