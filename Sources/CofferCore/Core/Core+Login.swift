import CofferBase

extension Core {
    /// The auth method serving a mount of the auth table.
    func credentialBackend(for mount: MountEntry) throws(CofferError) -> any CredentialBackend {
        switch mount.type {
        case "userpass": return UserpassBackend()
        case "approle": return AppRoleBackend(clusterLocal: StorageView(store: barrier, prefix: mount.localDataPrefix))
        default: throw CofferError.internalError("no auth method for mount type \(mount.type)")
        }
    }

    /// The auth mount serving `path` (below `/v1/`, starting with `auth/`), with the path below it;
    /// `nil` for the token method's paths, which have their own backend.
    func routeAuth(_ path: String, node: UnsealedNode) -> (MountEntry, String)? {
        guard path.hasPrefix("auth/"), !path.hasPrefix("auth/token/"), path != "auth/token" else { return nil }
        guard let (mount, remainder) = node.authMounts.table.route(String(path.dropFirst(5))),
            mount.type != "token"
        else { return nil }
        return (mount, remainder)
    }

    /// Serves a login path of an auth method, which needs no token: `nil` for any other path.
    ///
    /// A login only reads the method's data and writes cluster-local entries (the token, use
    /// counts), so it is answered by whichever cluster receives it, a secondary included.
    func handleLogin(_ request: VaultRequest, trail: AuditTrail?) throws(CofferError) -> VaultResponse? {
        guard request.path.hasPrefix("auth/"), !request.path.hasPrefix("auth/token/") else { return nil }
        let node = try unsealedNode()
        guard let (mount, remainder) = routeAuth(request.path, node: node) else { return nil }
        let backend = try credentialBackend(for: mount)
        guard backend.isLoginPath(remainder) else { return nil }
        guard request.method == "PUT" || request.method == "POST" else { throw CofferError.unsupportedOperation }
        try trail?.recordRequest(caller: nil)
        var logical = LogicalRequest(
            operation: .update, path: remainder, data: try Self.inputData(for: request, operation: .update),
            mountPath: "auth/" + mount.path)
        logical.remoteAddress = request.remoteAddress
        let grant = try backend.login(logical, storage: StorageView(store: barrier, prefix: mount.dataPrefix))
        let auth = try issueToken(grant, mount: mount, loginPath: request.path, node: node)
        logger.debug("login", ["auth.mount": mount.path, "auth.type": mount.type])
        return envelope(LogicalResponse(auth: auth))
    }

    /// Creates the orphan service token a login grants, with its TTL taken from the user or role,
    /// else the mount's default, and capped by the mount's and the system's maximum.
    func issueToken(
        _ grant: AuthGrant, mount: MountEntry, loginPath: String, node: UnsealedNode
    ) throws(CofferError) -> [String: JSON] {
        let parameters = grant.token
        var policies = parameters.policies
        guard !policies.contains("root") else { throw CofferError.badRequest("auth methods cannot create root tokens") }
        if !parameters.noDefaultPolicy, !policies.contains("default") { policies.append("default") }
        let systemMax = TokenStore.systemMaxTTL
        var maxTTL = mount.maxLeaseTTL > 0 ? min(mount.maxLeaseTTL, systemMax) : systemMax
        if parameters.maxTTL > 0 { maxTTL = min(maxTTL, parameters.maxTTL) }
        let defaultTTL = mount.defaultLeaseTTL > 0 ? mount.defaultLeaseTTL : systemMax
        let ttl = min(parameters.ttl > 0 ? parameters.ttl : defaultTTL, maxTTL)

        var request = TokenStore.CreateRequest(policies: policies.sorted())
        request.meta = grant.metadata
        let prefix = mount.path.dropLast().replacingSlashes()
        request.displayName = grant.displayName.isEmpty ? prefix : prefix + "-" + grant.displayName
        request.numUses = parameters.numUses
        request.ttl = ttl
        request.period = parameters.period
        // The token store caps renewals at the explicit maximum, so the role's and mount's cap travel as one.
        request.explicitMaxTTL =
            parameters.explicitMaxTTL > 0 ? min(parameters.explicitMaxTTL, maxTTL) : (maxTTL < systemMax ? maxTTL : 0)
        request.orphan = true
        request.path = loginPath
        request.boundCIDRs = parameters.boundCIDRs.map(\.description)
        let (token, entry) = try node.tokens.create(request, parent: nil)
        return entry.authBlock(token: token)
    }
}

extension Substring {
    /// The text with `/` replaced by `-`, as Vault builds display names from mount paths.
    fileprivate func replacingSlashes() -> String {
        String(map { $0 == "/" ? "-" : $0 })
    }
}
