import CofferBase
import CofferCrypto

// Storage layout of a userpass mount, relative to the mount's view:
//
//   user/<name>    the user (UserpassUser): a scrypt hash of the password and token settings, JSON

/// Vault's username and password auth method: `users/<name>` (with `password` and `policies`
/// below it), `LIST users`, and `login/<name>`.
struct UserpassBackend: CredentialBackend {
    /// The paths below the mount.
    enum Route: Equatable {
        case users
        case user(String)
        case password(String)
        case policies(String)
        case login(String)

        /// The route of a path below the mount, or `nil` for a path the method does not serve.
        init?(_ path: String) {
            let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            switch (parts.first, parts.count) {
            case ("users", 1): self = .users
            case ("users", 2): self = parts[1].isEmpty ? .users : .user(parts[1])
            case ("users", 3) where parts[2] == "password": self = .password(parts[1])
            case ("users", 3) where parts[2] == "policies": self = .policies(parts[1])
            case ("login", 2) where !parts[1].isEmpty: self = .login(parts[1])
            default: return nil
            }
        }
    }

    /// The one answer to every failed login.
    static let invalidCredentials = CofferError.badRequest("invalid username or password")

    /// What a login for an unknown user is checked against, so it costs the same scrypt run as a
    /// wrong password and timing does not tell which users exist.
    private static let absentUserHash: PasswordHash = {
        guard let hash = try? PasswordHash.make(password: SecureRandom.bytes(32)) else {
            fatalError("scrypt with the default parameters failed inside OpenSSL")
        }
        return hash
    }()

    /// `login/<name>` is served without a token.
    func isLoginPath(_ path: String) -> Bool {
        if case .login = Route(path) { return true }
        return false
    }

    /// Whether the user a `users/<name>` write names exists, so the ACL tells create from update.
    func exists(_ request: LogicalRequest, storage: StorageView) throws(CofferError) -> Bool? {
        guard case .user(let name) = Route(request.path) else { return nil }
        return try storage.get("user/" + AuthName.normalized(name, kind: "user")) != nil
    }

    /// Serves the management paths after the ACL check.
    func handle(_ request: LogicalRequest, storage: StorageView) throws(CofferError) -> LogicalResponse {
        guard let route = Route(request.path) else {
            throw CofferError.unsupportedPath(request.mountPath + request.path)
        }
        let fields = Fields(request.data)
        switch (route, request.operation) {
        case (.users, .list):
            let names = try storage.list("user/")
            guard !names.isEmpty else { throw CofferError.notFound }
            return LogicalResponse(data: ["keys": .strings(names)])
        case (.user(let name), .read):
            let user = try load(AuthName.normalized(name, kind: "user"), storage)
            guard let user else { throw CofferError.notFound }
            return LogicalResponse(data: user.token.responseData())
        case (.user(let name), .create), (.user(let name), .update):
            try write(AuthName.normalized(name, kind: "user"), fields, storage)
            return .empty
        case (.user(let name), .delete):
            try storage.delete("user/" + AuthName.normalized(name, kind: "user"))
            return .empty
        case (.password(let name), .update), (.password(let name), .create):
            let hash = try Self.hash(password: fields.requiredString("password"))
            try modify(AuthName.normalized(name, kind: "user"), storage) { $0.passwordHash = hash }
            return .empty
        case (.policies(let name), .update), (.policies(let name), .create):
            let current = try fields.stringList("token_policies")
            let older = try fields.stringList("policies")
            guard let list = current ?? older else {
                throw CofferError.badRequest("missing required field \"token_policies\"")
            }
            try modify(AuthName.normalized(name, kind: "user"), storage) {
                $0.token.policies = TokenParameters.normalizedPolicies(list)
            }
            return .empty
        default:
            throw CofferError.unsupportedOperation
        }
    }

    /// Checks a user's password; unknown users and wrong passwords cost one scrypt run alike.
    func login(_ request: LogicalRequest, storage: StorageView) throws(CofferError) -> AuthGrant {
        guard case .login(let name) = Route(request.path) else { throw CofferError.unsupportedOperation }
        let password = try Fields(request.data).requiredString("password")
        let user = try? AuthName.normalized(name, kind: "user")
        let stored = try user.flatMap { (name) throws(CofferError) -> UserpassUser? in try load(name, storage) }
        let matches = (stored?.passwordHash ?? Self.absentUserHash).verify(Array(password.utf8))
        // A client outside the bound CIDRs learns nothing either, not even that the password was right.
        guard let user, let stored, matches, CIDRBlock.allows(request.remoteAddress, in: stored.token.boundCIDRs)
        else { throw Self.invalidCredentials }
        return AuthGrant(token: stored.token, metadata: ["username": user], displayName: user)
    }

    private func load(_ name: String, _ storage: StorageView) throws(CofferError) -> UserpassUser? {
        guard let document = try storage.getJSON("user/" + name) else { return nil }
        return try UserpassUser.deserialize(document)
    }

    private static func hash(password: String) throws(CofferError) -> PasswordHash {
        do { return try PasswordHash.make(password: Array(password.utf8)) } catch {
            throw CofferError.internalError("could not hash the password")
        }
    }

    /// Creates or updates a user; the password is hashed before the key's lock is taken, since
    /// scrypt is the slow part and needs no lock.
    private func write(_ name: String, _ fields: Fields, _ storage: StorageView) throws(CofferError) {
        let newHash = try fields.string("password").map { (password) throws(CofferError) -> PasswordHash in
            guard !password.isEmpty else { throw CofferError.badRequest("missing required field \"password\"") }
            return try Self.hash(password: password)
        }
        try KVKeyLocks.shared.withLock(storage.prefix + "user/" + name) { () throws(CofferError) in
            let existing = try load(name, storage)
            guard let hash = newHash ?? existing?.passwordHash else {
                throw CofferError.badRequest("missing required field \"password\"")
            }
            var token = existing?.token ?? TokenParameters()
            try token.update(from: fields)
            try storage.putJSON("user/" + name, UserpassUser(passwordHash: hash, token: token).serialized())
        }
    }

    private func modify(
        _ name: String, _ storage: StorageView, _ change: (inout UserpassUser) -> Void
    ) throws(CofferError) {
        try KVKeyLocks.shared.withLock(storage.prefix + "user/" + name) { () throws(CofferError) in
            guard var user = try load(name, storage) else {
                throw CofferError.badRequest("username does not exist")
            }
            change(&user)
            try storage.putJSON("user/" + name, user.serialized())
        }
    }
}
