import CofferBase

// Storage layout of a KV v2 mount, relative to the mount's view:
//
//   config                     the mount's settings (KVv2Config), JSON
//   metadata/<path>            a key's metadata and version states (KVMetadata), JSON
//   versions/<path>/<n>        the data object of version n of <path>, JSON
//
// Lists come from the `metadata/` folder, so they show Vault's folder semantics for free. A version
// key is unambiguous because its last segment is always the version number. A read costs two gets
// (metadata, one version); every change commits all the entries it touches in one batch.

/// Vault's versioned key-value secrets engine (KV v2): `config`, `data/`, `metadata/`, `delete/`,
/// `undelete/`, `destroy/` and `subkeys/`, with the request and response shapes of Vault's API.
public struct KVv2Backend: LogicalBackend {
    /// The paths below the mount, with the key or folder they name.
    enum Route: Equatable {
        /// `config`: the mount's settings.
        case config
        /// `data/<key>`: versioned reads and writes.
        case data(String)
        /// `metadata/<key>` or a folder to list.
        case metadata(String)
        /// `delete/<key>`: soft delete of named versions.
        case delete(String)
        /// `undelete/<key>`: restores soft-deleted versions.
        case undelete(String)
        /// `destroy/<key>`: removes named versions for good.
        case destroy(String)
        /// `subkeys/<key>`: the shape of a version's data.
        case subkeys(String)

        /// The route of a path below the mount, or `nil` for a path the engine does not serve.
        init?(_ path: String) {
            if path == "config" {
                self = .config
                return
            }
            if path == "metadata" {
                self = .metadata("")
                return
            }
            guard let slash = path.firstIndex(of: "/") else { return nil }
            let rest = String(path[path.index(after: slash)...])
            switch path[..<slash] {
            case "data": self = .data(rest)
            case "metadata": self = .metadata(rest)
            case "delete": self = .delete(rest)
            case "undelete": self = .undelete(rest)
            case "destroy": self = .destroy(rest)
            case "subkeys": self = .subkeys(rest)
            default: return nil
            }
        }
    }

    /// The source of wall-clock time for created and deletion times.
    let clock: @Sendable () -> Timestamp

    /// An engine reading the time from `clock`; tests pass a fake one.
    public init(clock: @escaping @Sendable () -> Timestamp = { Clock.now() }) {
        self.clock = clock
    }

    /// Dispatches a request to its path's handler; 405 when the path does not take the operation.
    public func handle(_ request: LogicalRequest, storage: StorageView) throws(CofferError) -> LogicalResponse {
        guard let route = Route(request.path) else { throw .unsupportedPath(request.mountPath + request.path) }
        switch (route, request.operation) {
        case (.config, .read): return LogicalResponse(data: try KVv2Config.load(from: storage).responseData)
        case (.config, .create), (.config, .update): return try writeConfig(request.data, storage: storage)
        case (.data(let path), .read): return try readData(KVPath.key(path), request.data, storage: storage)
        case (.data(let path), .create), (.data(let path), .update):
            return try writeData(KVPath.key(path), request.data, storage: storage)
        case (.data(let path), .patch): return try patchData(KVPath.key(path), request.data, storage: storage)
        case (.data(let path), .delete): return try deleteLatest(KVPath.key(path), storage: storage)
        case (.metadata(let folder), .list): return try listMetadata(KVPath.folder(folder), storage: storage)
        case (.metadata(let path), .read): return try readMetadata(KVPath.key(path), storage: storage)
        case (.metadata(let path), .create), (.metadata(let path), .update):
            return try writeMetadata(KVPath.key(path), request.data, storage: storage)
        case (.metadata(let path), .patch):
            return try patchMetadata(KVPath.key(path), request.data, storage: storage)
        case (.metadata(let path), .delete): return try deleteMetadata(KVPath.key(path), storage: storage)
        case (.delete(let path), .create), (.delete(let path), .update):
            return try changeVersions(.delete, KVPath.key(path), request.data, storage: storage)
        case (.undelete(let path), .create), (.undelete(let path), .update):
            return try changeVersions(.undelete, KVPath.key(path), request.data, storage: storage)
        case (.destroy(let path), .create), (.destroy(let path), .update):
            return try changeVersions(.destroy, KVPath.key(path), request.data, storage: storage)
        case (.subkeys(let path), .read): return try readSubkeys(KVPath.key(path), request.data, storage: storage)
        default: throw .unsupportedOperation
        }
    }

    /// For `data/`: whether the key has a version; for `metadata/`: whether the key has metadata;
    /// `config` always exists; other paths make no create/update distinction.
    public func exists(_ request: LogicalRequest, storage: StorageView) throws(CofferError) -> Bool? {
        switch Route(request.path) {
        case .config?: return true
        case .data(let path)?:
            guard KVPath.isValidKey(path) else { return false }
            return (try loadMetadata(path, storage: storage)?.currentVersion ?? 0) > 0
        case .metadata(let path)?:
            guard KVPath.isValidKey(path) else { return false }
            return try storage.get(Self.metadataKey(path)) != nil
        default: return nil
        }
    }

    private func writeConfig(_ data: [String: JSON], storage: StorageView) throws(CofferError) -> LogicalResponse {
        try KVKeyLocks.shared.withLock(storage.prefix + KVv2Config.storageKey) { () throws(CofferError) in
            let config = try KVv2Config.load(from: storage).applying(data)
            try storage.putJSON(KVv2Config.storageKey, config.storedForm)
            return .empty
        }
    }
}

extension KVv2Backend {
    /// The storage key of a key's metadata.
    static func metadataKey(_ path: String) -> String {
        "metadata/" + path
    }

    /// The storage key of one version's data.
    static func versionKey(_ path: String, _ version: Int64) -> String {
        "versions/" + path + "/" + String(version)
    }

    /// The current time in the form stored and returned.
    func now() -> String {
        Clock.rfc3339(clock())
    }

    /// The metadata of `path`, or `nil` when the key is unknown.
    func loadMetadata(_ path: String, storage: StorageView) throws(CofferError) -> KVMetadata? {
        guard let stored = try storage.getJSON(Self.metadataKey(path)) else { return nil }
        return try KVMetadata(stored: stored)
    }

    /// Runs one read-modify-write cycle of `path` exclusively against other writers of that key.
    func locked<Result: Sendable>(
        _ path: String, storage: StorageView, _ body: () throws(CofferError) -> Result
    ) throws(CofferError) -> Result {
        try KVKeyLocks.shared.withLock(storage.prefix + Self.metadataKey(path), body)
    }
}
