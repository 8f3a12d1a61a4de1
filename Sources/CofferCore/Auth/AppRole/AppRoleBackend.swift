import CofferBase
import CofferCrypto
import CofferStorage

// Storage layout of an AppRole mount, relative to the mount's view (replicated unless the mount
// is local):
//
//   salt                                  HMAC key for the hashes below, made when the mount is enabled
//   role/<name>                           the role (AppRoleRole), JSON
//   role-id/<hmac(role ID)>               the name of the role with that role ID
//   secret-id/<role id>/<hmac(secret ID)> a secret ID (AppRoleSecretID), JSON; the secret itself is never stored
//   accessor/<role id>/<accessor>         the hash of the secret ID the accessor names
//
// and relative to the mount's cluster-local view (the same view for a local mount):
//
//   secret-id-uses/<role id>/<hmac>       how many uses of a limited secret ID this cluster has spent
//
// Use counts are the one thing a login writes. Kept per cluster, they let a secondary cluster log
// clients in while its primary is unreachable; the price is that a secret ID limited to N uses
// allows N logins in each cluster. Where this cluster may write replicated data (a primary, or a
// local mount), a used-up or expired secret ID is also deleted, which removes it everywhere.

/// Vault's AppRole auth method: roles with a role ID, secret IDs issued per role, and `login`
/// with both.
struct AppRoleBackend: CredentialBackend {
    /// The paths below the mount.
    enum Route: Equatable {
        case roles
        case role(String)
        case roleID(String)
        case secretID(String)
        case customSecretID(String)
        case secretIDLookup(String)
        case secretIDDestroy(String)
        case accessorLookup(String)
        case accessorDestroy(String)
        case login

        /// The route of a path below the mount, or `nil` for a path the method does not serve.
        init?(_ path: String) {
            var parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            if parts.count > 1, parts.last == "" { parts.removeLast() }
            if parts == ["login"] {
                self = .login
                return
            }
            guard parts.first == "role" else { return nil }
            guard parts.count > 1 else {
                self = .roles
                return
            }
            let name = parts[1]
            switch parts.dropFirst(2).joined(separator: "/") {
            case "": self = .role(name)
            case "role-id": self = .roleID(name)
            case "secret-id": self = .secretID(name)
            case "custom-secret-id": self = .customSecretID(name)
            case "secret-id/lookup": self = .secretIDLookup(name)
            case "secret-id/destroy": self = .secretIDDestroy(name)
            case "secret-id-accessor/lookup": self = .accessorLookup(name)
            case "secret-id-accessor/destroy": self = .accessorDestroy(name)
            default: return nil
            }
        }
    }

    /// The one answer to every failed login.
    static let invalidCredentials = CofferError.badRequest("invalid role or secret ID")

    /// The mount's cluster-local view, where this cluster counts the uses of secret IDs.
    let clusterLocal: StorageView
    /// The source of wall-clock time for issuing and expiring secret IDs; tests pass a fake one.
    let clock: @Sendable () -> Timestamp

    /// A backend counting secret ID uses in `clusterLocal` and reading the time from `clock`.
    init(clusterLocal: StorageView, clock: @escaping @Sendable () -> Timestamp = { Clock.now() }) {
        self.clusterLocal = clusterLocal
        self.clock = clock
    }

    /// `login` is the one path served without a token.
    func isLoginPath(_ path: String) -> Bool { Route(path) == .login }

    /// Whether the role a `role/<name>` write names exists, so the ACL tells create from update.
    func exists(_ request: LogicalRequest, storage: StorageView) throws(CofferError) -> Bool? {
        guard case .role(let name) = Route(request.path) else { return nil }
        return try storage.get("role/" + AuthName.normalized(name, kind: "role")) != nil
    }

    /// Serves the management paths after the ACL check.
    func handle(_ request: LogicalRequest, storage: StorageView) throws(CofferError) -> LogicalResponse {
        guard let route = Route(request.path), route != .login else {
            throw CofferError.unsupportedPath(request.mountPath + request.path)
        }
        let fields = Fields(request.data)
        let operation = request.operation == .create ? .update : request.operation
        switch (route, operation) {
        case (.roles, .list):
            let names = try storage.list("role/")
            guard !names.isEmpty else { throw CofferError.notFound }
            return LogicalResponse(data: ["keys": .strings(names)])
        case (.role(let name), .read):
            guard let role = try loadRole(AuthName.normalized(name, kind: "role"), storage) else {
                throw CofferError.notFound
            }
            return LogicalResponse(data: role.responseData())
        case (.role(let name), .update):
            try writeRole(AuthName.normalized(name, kind: "role"), fields, storage)
            return .empty
        case (.role(let name), .delete):
            try deleteRole(AuthName.normalized(name, kind: "role"), storage)
            return .empty
        case (.roleID(let name), .read):
            return LogicalResponse(data: ["role_id": .string(try requireRole(name, storage).role.roleID)])
        case (.roleID(let name), .update):
            let roleID = try fields.requiredString("role_id")
            try modifyRole(AuthName.normalized(name, kind: "role"), storage) { role in role.roleID = roleID }
            return .empty
        case (.secretID(let name), .update):
            return try issueSecretID(requireRole(name, storage), custom: nil, fields, storage)
        case (.customSecretID(let name), .update):
            let secret = try fields.requiredString("secret_id")
            return try issueSecretID(requireRole(name, storage), custom: secret, fields, storage)
        case (.secretID(let name), .list):
            let accessors = try storage.list("accessor/\(try requireRole(name, storage).role.id)/")
            guard !accessors.isEmpty else { throw CofferError.notFound }
            return LogicalResponse(data: ["keys": .strings(accessors)])
        case (.secretIDLookup(let name), .update):
            let role = try requireRole(name, storage).role
            let hash = try hasher(storage).secretID(fields.requiredString("secret_id"))
            return try lookupSecretID(role, hash: hash, storage)
        case (.secretIDDestroy(let name), .update), (.secretIDDestroy(let name), .delete):
            let role = try requireRole(name, storage).role
            let hash = try hasher(storage).secretID(fields.requiredString("secret_id"))
            try destroySecretID(role, hash: hash, storage)
            return .empty
        case (.accessorLookup(let name), .update):
            let role = try requireRole(name, storage).role
            let hash = try secretHash(role, accessor: fields.requiredString("secret_id_accessor"), storage)
            return try lookupSecretID(role, hash: hash, storage)
        case (.accessorDestroy(let name), .update), (.accessorDestroy(let name), .delete):
            let role = try requireRole(name, storage).role
            let hash = try secretHash(role, accessor: fields.requiredString("secret_id_accessor"), storage)
            try destroySecretID(role, hash: hash, storage)
            return .empty
        default:
            throw CofferError.unsupportedOperation
        }
    }

    // MARK: Login

    /// Checks a role ID and, when the role binds them, a secret ID, spending one of its uses.
    func login(_ request: LogicalRequest, storage: StorageView) throws(CofferError) -> AuthGrant {
        let fields = Fields(request.data)
        let roleID = try fields.requiredString("role_id")
        let secret = try fields.string("secret_id") ?? ""
        let hasher = try hasher(storage)
        guard let nameBytes = try storage.get("role-id/" + hasher.roleID(roleID)) else { throw Self.invalidCredentials }
        let name = String(decoding: nameBytes, as: UTF8.self)
        guard let role = try loadRole(name, storage), ConstantTime.equals(Array(role.roleID.utf8), Array(roleID.utf8))
        else { throw Self.invalidCredentials }
        guard CIDRBlock.allows(request.remoteAddress, in: role.secretIDBoundCIDRs) else {
            throw Self.invalidCredentials
        }
        var token = role.token
        var metadata: [String: String] = [:]
        if role.bindSecretID {
            guard !secret.isEmpty else { throw Self.invalidCredentials }
            let hash = hasher.secretID(secret)
            guard let entry = try loadSecretID(role, hash: hash, storage) else { throw Self.invalidCredentials }
            if entry.isExpired(at: clock().seconds) {
                removeWherePermitted(role, hash: hash, entry: entry, storage)
                throw Self.invalidCredentials
            }
            guard CIDRBlock.allows(request.remoteAddress, in: entry.cidrs) else { throw Self.invalidCredentials }
            if !entry.tokenBoundCIDRs.isEmpty { token.boundCIDRs = entry.tokenBoundCIDRs }
            guard CIDRBlock.allows(request.remoteAddress, in: token.boundCIDRs) else { throw Self.invalidCredentials }
            if entry.numUses > 0 { try spendUse(role, hash: hash, entry: entry, storage) }
            metadata = entry.metadata
        } else {
            guard CIDRBlock.allows(request.remoteAddress, in: token.boundCIDRs) else { throw Self.invalidCredentials }
        }
        metadata["role_name"] = name
        return AuthGrant(token: token, metadata: metadata, displayName: "")
    }

    // MARK: Roles

    /// Salted hashes of role IDs and secret IDs under the mount's salt.
    struct Hasher {
        let salt: [UInt8]

        /// The storage name of a role ID.
        func roleID(_ value: String) -> String {
            Hex.encode(HMACSHA256.authenticate(Array(("role-id:" + value).utf8), key: salt))
        }

        /// The storage name of a secret ID.
        func secretID(_ value: String) -> String {
            Hex.encode(HMACSHA256.authenticate(Array(("secret-id:" + value).utf8), key: salt))
        }
    }

    /// The hasher under the mount's salt.
    func hasher(_ storage: StorageView) throws(CofferError) -> Hasher {
        Hasher(salt: try storage.salt())
    }

    /// The role stored under a normalized name, if any.
    func loadRole(_ name: String, _ storage: StorageView) throws(CofferError) -> AppRoleRole? {
        guard let document = try storage.getJSON("role/" + name) else { return nil }
        return try AppRoleRole(stored: document)
    }

    /// The role a management path names, or a 400 as Vault answers for a missing role.
    func requireRole(_ name: String, _ storage: StorageView) throws(CofferError) -> (name: String, role: AppRoleRole) {
        let normalized = try AuthName.normalized(name, kind: "role")
        guard let role = try loadRole(normalized, storage) else {
            throw CofferError.badRequest("role \"\(normalized)\" does not exist")
        }
        return (normalized, role)
    }

    private func writeRole(_ name: String, _ fields: Fields, _ storage: StorageView) throws(CofferError) {
        let requestedRoleID = try fields.string("role_id")
        try modifyRole(name, storage, creating: true) { (role) throws(CofferError) in
            if let requestedRoleID {
                guard !requestedRoleID.isEmpty else { throw CofferError.badRequest("\"role_id\" must not be empty") }
                role.roleID = requestedRoleID
            }
            try role.update(from: fields)
        }
    }

    /// Changes a role under its key's lock and moves its role ID index entry along in the same batch.
    private func modifyRole(
        _ name: String, _ storage: StorageView, creating: Bool = false,
        _ change: (inout AppRoleRole) throws(CofferError) -> Void
    ) throws(CofferError) {
        let hasher = try hasher(storage)
        try KVKeyLocks.shared.withLock(storage.prefix + "role/" + name) { () throws(CofferError) in
            let existing = try loadRole(name, storage)
            guard creating || existing != nil else { throw CofferError.badRequest("role \"\(name)\" does not exist") }
            var role = existing ?? AppRoleRole(id: SecureRandom.uuid(), roleID: SecureRandom.uuid())
            try change(&role)
            var operations: [StorageOperation] = [.put(key: "role/" + name, value: role.serialized().serialized())]
            if existing?.roleID != role.roleID {
                let indexKey = "role-id/" + hasher.roleID(role.roleID)
                if let owner = try storage.get(indexKey), String(decoding: owner, as: UTF8.self) != name {
                    throw CofferError.badRequest("role_id is already in use by another role")
                }
                operations.append(.put(key: indexKey, value: Array(name.utf8)))
                if let previous = existing?.roleID {
                    operations.append(.delete(key: "role-id/" + hasher.roleID(previous)))
                }
            }
            try storage.commit(operations)
        }
    }

    /// Deletes a role with its role ID and every secret ID issued under it.
    private func deleteRole(_ name: String, _ storage: StorageView) throws(CofferError) {
        let hasher = try hasher(storage)
        try KVKeyLocks.shared.withLock(storage.prefix + "role/" + name) { () throws(CofferError) in
            guard let role = try loadRole(name, storage) else { return }
            var operations: [StorageOperation] = [
                .delete(key: "role/" + name), .delete(key: "role-id/" + hasher.roleID(role.roleID)),
            ]
            for key in try storage.keys("secret-id/\(role.id)/") + storage.keys("accessor/\(role.id)/") {
                operations.append(.delete(key: key))
            }
            try storage.commit(operations)
            // Committed after the replicated deletion, which a secondary forwards to its primary:
            // the counts of a secondary stay behind there, harmless under a role id never reused.
            let counts = try clusterLocal.keys("secret-id-uses/\(role.id)/")
            if !counts.isEmpty { try clusterLocal.commit(counts.map { .delete(key: $0) }) }
        }
    }
}
