import CofferBase
import CofferCrypto

extension Core {
    /// Serves one API request: unauthenticated system paths first, then token, ACL and routing.
    /// Never throws: every failure becomes Vault's `{"errors": [...]}` with its status.
    public func handle(_ request: VaultRequest) -> VaultResponse {
        let started = Clock.monotonicNanoseconds()
        let response = serve(request)
        requestMetrics.record(status: response.status, nanoseconds: Clock.monotonicNanoseconds() - started)
        return response
    }

    private func serve(_ request: VaultRequest) -> VaultResponse {
        do {
            // Not audited, as in Vault: the seal and status paths, which answer even while sealed,
            // and what a standby forwards, which the active node audits.
            if let response = try handleUnauthenticated(request) { return response }
            if isStandby { return try answerAsStandby(request) }
        } catch {
            return .error(error)
        }
        guard let trail = auditTrail(for: request) else { return serveLogical(request, trail: nil) }
        return trail.finish(serveLogical(request, trail: trail))
    }

    /// Serves a request that needs the unsealed node; with a trail, each branch records the
    /// request entry once it knows the caller and before it changes anything.
    private func serveLogical(_ request: VaultRequest, trail: AuditTrail?) -> VaultResponse {
        do {
            let wrapping = try Self.requestedWrapping(request)
            if let response = try handleWrappingToken(request, trail: trail) {
                return try wrapIfRequested(response, wrapping, path: request.path)
            }
            if let response = try handleLogin(request, trail: trail) {
                return try wrapIfRequested(response, wrapping, path: request.path)
            }
            return try wrapIfRequested(handleAuthenticated(request, trail: trail), wrapping, path: request.path)
        } catch {
            return .error(error)
        }
    }

    /// The logical operation an HTTP method asks for, before the create/update existence check.
    static func operation(for request: VaultRequest) throws(CofferError) -> LogicalOperation {
        switch request.method {
        case "GET", "HEAD":
            let list = request.query["list"].map { $0 == "true" || $0 == "1" } ?? false
            return list ? .list : .read
        case "LIST": return .list
        case "PUT", "POST": return .update
        case "DELETE": return .delete
        case "PATCH": return .patch
        default: throw CofferError.unsupportedOperation
        }
    }

    /// The input fields: the body's members for writes, the query for reads.
    static func inputData(for request: VaultRequest, operation: LogicalOperation) throws(CofferError) -> [String: JSON]
    {
        switch operation {
        case .read, .list:
            var data: [String: JSON] = [:]
            for (key, value) in request.query where key != "list" { data[key] = .string(value) }
            return data
        default:
            // A JSON `null` body (what `bao write -f` sends) means no fields, as in Vault.
            guard let body = request.body, !body.isNull else { return [:] }
            guard let members = body.objectValue else { throw .badRequest("the request body must be a JSON object") }
            return members
        }
    }

    /// Paths that need `sudo` besides the operation's capability.
    static func requiresSudo(_ path: String) -> Bool {
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        if sudoPaths.contains(trimmed) { return true }
        return sudoPrefixes.contains { path.hasPrefix($0) }
    }

    private static let sudoPaths: Set<String> = [
        "sys/seal", "sys/step-down", "sys/rotate", "sys/remount", "auth/token/accessors",
        "sys/replication/primary/secondary-token", "sys/replication/performance/primary/secondary-token",
        "sys/replication/reindex", "sys/replication/performance/reindex",
    ]
    private static let sudoPrefixes = [
        "sys/auth/", "sys/audit", "sys/raw", "auth/token/revoke-orphan", "auth/token/create-orphan",
        "sys/generate-root-token/",
        "sys/leases/lookup/", "sys/leases/revoke-prefix/", "sys/leases/revoke-force/", "sys/revoke-prefix/",
        "sys/revoke-force/", "sys/rekey/",
    ]

    private func handleAuthenticated(_ request: VaultRequest, trail: AuditTrail?) throws(CofferError) -> VaultResponse {
        let node = try unsealedNode()
        guard let token = request.token, !token.isEmpty else { throw CofferError.permissionDenied }
        // Recorded before the token's use is counted, so a refused request spends nothing.
        try trail?.recordRequest(caller: try node.tokens.lookup(token: token))
        let caller = try node.tokens.use(token: token, remoteAddress: request.remoteAddress)
        let acl = try node.policies.acl(for: caller.policies)
        do {
            return try dispatch(request, node: node, token: token, caller: caller, acl: acl)
        } catch {
            // A secondary: the ACL allowed it here, and the primary applies it (DESIGN.md §4).
            guard error == .mustForward, let replication, !request.path.hasPrefix("auth/token/") else { throw error }
            return try replication.forward(request)
        }
    }

    /// Serves a write that a secondary cluster authenticated and authorised, on this primary.
    /// Token, login, seal, rotation, rekey, lease and replication paths are never accepted this way.
    public func handleForwarded(_ request: VaultRequest) -> VaultResponse {
        guard let trail = auditTrail(for: request) else { return serveForwarded(request, trail: nil) }
        return trail.finish(serveForwarded(request, trail: trail))
    }

    private func serveForwarded(_ request: VaultRequest, trail: AuditTrail?) -> VaultResponse {
        let refused = [
            "auth/token", "sys/seal", "sys/rotate", "sys/replication", "sys/wrapping", "sys/unseal", "sys/init",
            // The primary's own tokens and keys: no secondary ever forwards these.
            "sys/rekey", "sys/leases", "sys/renew", "sys/revoke",
        ]
        let forbidden = CofferError.badRequest("this path cannot be forwarded from a secondary cluster")
        guard !refused.contains(where: { request.path.hasPrefix($0) }) else { return .error(forbidden) }
        do {
            let node = try unsealedNode()
            if let (mount, remainder) = routeAuth(request.path, node: node),
                try credentialBackend(for: mount).isLoginPath(remainder)
            {
                return .error(forbidden)
            }
            let caller = TokenEntry(
                hash: "", accessor: "", policies: ["root"], parentHash: nil, path: "", displayName: "forwarded",
                meta: [:], numUses: 0, creationTime: 0, ttl: 0, expireTime: nil, explicitMaxTTL: 0, renewable: false,
                period: 0)
            try trail?.recordRequest(caller: caller)
            return try dispatch(request, node: node, token: "", caller: caller, acl: .root)
        } catch {
            return .error(error)
        }
    }

    private func dispatch(
        _ request: VaultRequest, node: UnsealedNode, token: String, caller: TokenEntry, acl: ACL
    ) throws(CofferError) -> VaultResponse {
        var operation = try Self.operation(for: request)
        let path = request.path
        let context = RequestContext(
            node: node, token: token, caller: caller, acl: acl,
            data: try Self.inputData(for: request, operation: operation))

        if path.hasPrefix("sys/") || path == "sys" {
            // The UI preflight is answered to any valid token that can reach the mount, as in Vault.
            if !path.hasPrefix("sys/internal/ui/mounts/") { try authorize(acl, operation, path) }
            if path.hasPrefix("sys/wrapping/") {
                return try WrappingEndpoint(core: self, node: node, request: request).handle(String(path.dropFirst(13)))
            }
            return try SystemBackend(core: self).handle(
                path: String(path.dropFirst(4)), operation: operation, context: context)
        }
        if path.hasPrefix("auth/token/") {
            try authorize(acl, operation, path)
            return try envelope(
                TokenBackend().handle(String(path.dropFirst(11)), operation: operation, context: context))
        }
        let (backend, mount, remainder) = try mountedBackend(path, node: node)
        let storage = StorageView(store: barrier, prefix: mount.dataPrefix)
        let mountPath = (mount.kind == .auth ? "auth/" : "") + mount.path
        var logical = LogicalRequest(operation: operation, path: remainder, data: context.data, mountPath: mountPath)
        logical.remoteAddress = request.remoteAddress
        if operation == .update {
            operation = try backend.exists(logical, storage: storage) == false ? .create : .update
            logical.operation = operation
        }
        try authorize(acl, operation, path)
        var response = try envelope(backend.handle(logical, storage: storage))
        if request.method == "HEAD" { response.body = nil }
        return response
    }

    /// The backend mounted at the longest prefix of `path`: an auth method below `auth/`, else a
    /// secrets engine; with the mount and the path below it.
    private func mountedBackend(
        _ path: String, node: UnsealedNode
    ) throws(CofferError) -> (any LogicalBackend, MountEntry, String) {
        if path.hasPrefix("auth/") {
            guard let (mount, remainder) = routeAuth(path, node: node) else { throw CofferError.unsupportedPath(path) }
            return (try credentialBackend(for: mount), mount, remainder)
        }
        guard let (mount, remainder) = node.mounts.table.route(path) else { throw CofferError.unsupportedPath(path) }
        return (try Self.backend(for: mount), mount, remainder)
    }

    func authorize(_ acl: ACL, _ operation: LogicalOperation, _ path: String) throws(CofferError) {
        guard acl.allows(operation, path: path) else { throw CofferError.permissionDenied }
        if Self.requiresSudo(path), !acl.hasSudo(path: path) { throw CofferError.permissionDenied }
    }

    static func backend(for mount: MountEntry) throws(CofferError) -> any LogicalBackend {
        switch mount.type {
        case "kv", "generic": return mount.kvVersion == 2 ? KVv2Backend() : KVv1Backend()
        default: throw CofferError.internalError("no backend for mount type \(mount.type)")
        }
    }

    /// Wraps a backend's answer in Vault's response envelope (204 when there is nothing to say).
    public func envelope(_ response: LogicalResponse) -> VaultResponse {
        if response.data == nil, response.warnings.isEmpty, response.auth == nil {
            return VaultResponse(status: response.status ?? 204)
        }
        let body: JSON = [
            "request_id": .string(RequestID.next()), "lease_id": "", "renewable": false, "lease_duration": 0,
            "data": response.data.map(JSON.object) ?? .null, "wrap_info": .null,
            "warnings": response.warnings.isEmpty ? .null : .strings(response.warnings),
            "auth": response.auth.map(JSON.object) ?? .null, "mount_type": "",
        ]
        return VaultResponse(status: response.status ?? 200, body: body)
    }
}

/// The authenticated caller and the request's input, passed to the built-in backends.
struct RequestContext: Sendable {
    let node: UnsealedNode
    let token: String
    let caller: TokenEntry
    let acl: ACL
    let data: [String: JSON]

    var fields: Fields { Fields(data) }
}
