import CofferBase
import CofferStorage

/// The `metadata/` path: a key's settings and version history, and the listing of keys.
extension KVv2Backend {
    /// The key's settings and version history; 404 for an unknown key.
    func readMetadata(_ path: String, storage: StorageView) throws(CofferError) -> LogicalResponse {
        guard let metadata = try loadMetadata(path, storage: storage) else { throw .notFound }
        return LogicalResponse(data: metadata.responseData)
    }

    /// Sets the given settings, creating metadata without versions when the key is new; a body
    /// without settings changes nothing.
    func writeMetadata(
        _ path: String, _ body: [String: JSON], storage: StorageView
    ) throws(CofferError) -> LogicalResponse {
        let update = try KVMetadataUpdate(body, merging: false)
        guard !update.isEmpty else { return .empty }
        let warnings = update.warnings(try KVv2Config.load(from: storage))
        return try locked(path, storage: storage) { () throws(CofferError) in
            var metadata = try loadMetadata(path, storage: storage) ?? KVMetadata(now: now())
            try update.apply(to: &metadata)
            try storage.putJSON(Self.metadataKey(path), metadata.storedForm)
            return LogicalResponse(warnings: warnings)
        }
    }

    /// Like a write, but the key must exist and `custom_metadata` is merged (RFC 7396).
    func patchMetadata(
        _ path: String, _ body: [String: JSON], storage: StorageView
    ) throws(CofferError) -> LogicalResponse {
        let update = try KVMetadataUpdate(body, merging: true)
        let warnings = update.warnings(try KVv2Config.load(from: storage))
        return try locked(path, storage: storage) { () throws(CofferError) in
            guard var metadata = try loadMetadata(path, storage: storage) else { throw .notFound }
            try update.apply(to: &metadata)
            try storage.putJSON(Self.metadataKey(path), metadata.storedForm)
            return LogicalResponse(warnings: warnings)
        }
    }

    /// Removes the key's metadata and the data of every version in one commit.
    func deleteMetadata(_ path: String, storage: StorageView) throws(CofferError) -> LogicalResponse {
        try locked(path, storage: storage) { () throws(CofferError) in
            guard let metadata = try loadMetadata(path, storage: storage) else { return .empty }
            var operations: [StorageOperation] = metadata.versions
                .filter { !$0.value.destroyed }
                .keys.sorted()
                .map { .delete(key: Self.versionKey(path, $0)) }
            operations.append(.delete(key: Self.metadataKey(path)))
            try storage.commit(operations)
            return .empty
        }
    }

    /// The keys and sub-folders (with a trailing `/`) of `folder`; 404 when there are none.
    func listMetadata(_ folder: String, storage: StorageView) throws(CofferError) -> LogicalResponse {
        let keys = try storage.list(Self.metadataKey(folder))
        guard !keys.isEmpty else { throw .notFound }
        return LogicalResponse(data: ["keys": .strings(keys)])
    }
}
