import CofferBase

/// Vault's unversioned key-value secrets engine (KV v1): each path holds one JSON object.
///
/// Entries are stored under their path in the mount's view, so a list is a list of the view's folder.
public struct KVv1Backend: LogicalBackend {
    /// An engine; it keeps no state of its own.
    public init() {}

    /// Serves read, write, delete and list of one path; patch is a KV v2 operation only.
    public func handle(_ request: LogicalRequest, storage: StorageView) throws(CofferError) -> LogicalResponse {
        switch request.operation {
        case .read:
            let path = try KVPath.key(request.path)
            guard let stored = try storage.getJSON(path) else { throw .notFound }
            guard case .object(let members) = stored else { throw .internalError("damaged KV entry") }
            return LogicalResponse(data: members)
        case .create, .update:
            let path = try KVPath.key(request.path)
            guard !request.data.isEmpty else { throw .badRequest("missing data fields") }
            try storage.putJSON(path, .object(request.data))
            return .empty
        case .delete:
            try storage.delete(KVPath.key(request.path))
            return .empty
        case .list:
            let keys = try storage.list(KVPath.folder(request.path))
            guard !keys.isEmpty else { throw .notFound }
            return LogicalResponse(data: ["keys": .strings(keys)])
        case .patch:
            throw .unsupportedOperation
        }
    }

    /// Whether an entry is stored at the request's path.
    public func exists(_ request: LogicalRequest, storage: StorageView) throws(CofferError) -> Bool? {
        guard KVPath.isValidKey(request.path) else { return false }
        return try storage.get(request.path) != nil
    }
}
