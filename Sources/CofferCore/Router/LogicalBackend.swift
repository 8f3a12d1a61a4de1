/// A secrets engine or auth method mounted at a path (KV, token store, ...).
///
/// Backends are called concurrently from the server's worker threads and keep no per-request state.
public protocol LogicalBackend: Sendable {
    /// Serves one request whose ACL check already passed. `storage` is the mount's own view.
    func handle(_ request: LogicalRequest, storage: StorageView) throws(CofferError) -> LogicalResponse

    /// Whether the target of a create-or-update already exists, so the router can ask the ACL for
    /// `update` rather than `create`; `nil` when the path makes no such distinction (then `update`).
    func exists(_ request: LogicalRequest, storage: StorageView) throws(CofferError) -> Bool?
}

extension LogicalBackend {
    public func exists(_ request: LogicalRequest, storage: StorageView) throws(CofferError) -> Bool? { nil }
}
