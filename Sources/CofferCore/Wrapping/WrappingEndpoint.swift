import CofferBase

/// `sys/wrapping/wrap`, `unwrap`, `lookup` and `rewrap`: Vault's response-wrapping API.
///
/// The ACL check (or, for `lookup` and a self-authenticating unwrap, its absence) happened before.
struct WrappingEndpoint {
    let core: Core
    let node: UnsealedNode
    let request: VaultRequest

    /// Serves `sys/wrapping/<name>`.
    func handle(_ name: String) throws(CofferError) -> VaultResponse {
        guard request.method == "PUT" || request.method == "POST" else { throw CofferError.unsupportedOperation }
        switch name {
        case "unwrap": return try unwrap()
        case "lookup": return try lookup()
        case "wrap": return try wrap()
        case "rewrap": return try rewrap()
        default: throw CofferError.unsupportedPath(request.path)
        }
    }

    /// The `token` member of the body, `nil` when absent or empty.
    func bodyToken() throws(CofferError) -> String? {
        guard let body = request.body else { return nil }
        guard let members = body.objectValue else { throw .badRequest("the request body must be a JSON object") }
        guard let token = try Fields(members).string("token"), !token.isEmpty else { return nil }
        return token
    }

    /// The token to act on: the body's, else the request's own.
    private func presentedToken() throws(CofferError) -> String {
        guard let token = try bodyToken() ?? request.token, !token.isEmpty else { throw .invalidWrappingToken }
        return token
    }

    /// The original response body as it was on the wire (204 when it had none); the token dies.
    func unwrap() throws(CofferError) -> VaultResponse {
        let entry = try node.wrapping.unwrap(presentedToken())
        guard let body = try Core.parseWrappedBody(entry.body) else { return VaultResponse(status: 204) }
        return VaultResponse(status: 200, body: body)
    }

    /// What the token wraps, without using it: creation TTL, time and path.
    func lookup() throws(CofferError) -> VaultResponse {
        let entry = try node.wrapping.lookup(presentedToken())
        return core.envelope(LogicalResponse(data: entry.lookupData))
    }

    private func wrap() throws(CofferError) -> VaultResponse {
        var data: [String: JSON] = [:]
        if let body = request.body {
            guard let members = body.objectValue else { throw .badRequest("the request body must be a JSON object") }
            data = members
        }
        let ttl = request.wrapTTL.flatMap { $0 > 0 ? $0 : nil } ?? WrappingStore.defaultTTL
        let body = core.envelope(LogicalResponse(data: data)).body ?? .null
        // Always opaque, as in Vault: a JWT signed by the node must never carry data a caller chose.
        let info = try node.wrapping.wrap(body: body.serialized(), ttl: ttl, creationPath: request.path)
        return core.wrappedEnvelope(info.json)
    }

    private func rewrap() throws(CofferError) -> VaultResponse {
        let info = try node.wrapping.rewrap(
            presentedToken(), format: WrapFormat(header: request.wrapFormat), address: core.configuration.apiAddress)
        return core.wrappedEnvelope(info.json)
    }
}
