import CofferBase
import CofferCrypto
import CofferStorage
import Synchronization

/// Holds wrapped responses under single-use wrapping tokens (Vault's response wrapping).
///
/// Entries are local data (DESIGN.md §3) below `local/wrapping/`: `id/<hash>` holds one entry, where the
/// hash is an HMAC-SHA256 of the token under the store's salt, so no token is ever stored. JWT tokens are
/// verified with the replicated `WrappingKey` and stand for the opaque token in their `jti` claim.
final class WrappingStore: Sendable {
    /// The TTL of `sys/wrapping/wrap` when the request names none: five minutes.
    static let defaultTTL: Int64 = 300

    /// The `nbf` claim is set this many seconds before creation, as Vault does, to absorb clock skew.
    static let notBeforeSkew: Int64 = 5

    /// The key that signs and verifies JWT wrapping tokens.
    let key: WrappingKey
    private let view: StorageView
    private let salt: [UInt8]
    private let clock: @Sendable () -> Timestamp
    /// Makes read-then-delete atomic, so of two concurrent unwraps of one token exactly one wins.
    private let lock = Mutex<Void>(())

    /// Opens the store over `view` (local) with the JWT key under `keyView` (replicated), creating
    /// the salt on first use and dropping entries that expired while the node was sealed.
    init(
        view: StorageView, keyView: StorageView, clock: @escaping @Sendable () -> Timestamp = { Clock.now() }
    )
        throws(CofferError)
    {
        self.view = view
        self.key = WrappingKey(view: keyView)
        self.clock = clock
        salt = try view.salt()
        _ = try removeExpired()
    }

    /// The salted hash that stands for a wrapping token in storage.
    func hash(_ token: String) -> String {
        Hex.encode(HMACSHA256.authenticate(Array(token.utf8), key: salt))
    }

    private func entryKey(_ token: String) -> String { "id/" + hash(token) }

    /// A new random token in Vault's service-token format.
    static func generateToken() -> String { "hvs." + SecureRandom.base62(24) }

    /// The opaque token a presented token stands for: the `jti` of a verified JWT, or itself.
    func resolve(_ presented: String) throws(CofferError) -> String {
        guard JWT.isJWT(presented) else { return presented }
        return try key.wrappedToken(in: presented, now: clock())
    }

    /// Whether `presented` names a stored entry (expired or not); JWTs are not resolved here.
    func contains(_ presented: String) throws(CofferError) -> Bool {
        try view.get(entryKey(presented)) != nil
    }

    // MARK: Wrap

    /// Stores `body` under a new wrapping token living `ttl` seconds and returns its `wrap_info`.
    ///
    /// With `format: .jwt` the token handed out is a JWT whose `addr` claim is `address`.
    func wrap(
        body: [UInt8], ttl: Int64, creationPath: String, wrappedAccessor: String = "",
        format: WrapFormat = .token, address: String = ""
    ) throws(CofferError) -> WrapInfo {
        guard ttl > 0 else { throw .badRequest("the wrapping TTL must be positive") }
        let token = Self.generateToken()
        let entry = WrappedResponse(
            body: body, creationTime: clock(), ttl: ttl, creationPath: creationPath,
            accessor: SecureRandom.base62(24), wrappedAccessor: wrappedAccessor)
        try view.put(entryKey(token), entry.serialized())
        return try wrapInfo(token: token, entry, format: format, address: address)
    }

    private func wrapInfo(
        token: String, _ entry: WrappedResponse, format: WrapFormat, address: String
    ) throws(CofferError) -> WrapInfo {
        var handedOut = token
        if format == .jwt {
            let issued = entry.creationTime.seconds
            handedOut = try key.sign([
                "accessor": .string(entry.wrappedAccessor), "addr": .string(address), "exp": .int(issued + entry.ttl),
                "iat": .int(issued), "nbf": .int(issued - Self.notBeforeSkew), "jti": .string(token),
                "type": "wrapping",
            ])
        }
        return WrapInfo(
            token: handedOut, accessor: entry.accessor, ttl: entry.ttl, creationTime: entry.creationTime,
            creationPath: entry.creationPath, wrappedAccessor: entry.wrappedAccessor)
    }

    // MARK: Use

    /// Returns the wrapped response and deletes it in the same step; any later call fails.
    func unwrap(_ presented: String) throws(CofferError) -> WrappedResponse {
        let token = try resolve(presented)
        return try lock.withLock { _ throws(CofferError) -> WrappedResponse in
            let entry = try liveEntry(token)
            try view.delete(entryKey(token))
            return entry
        }
    }

    /// The entry a token names, without using it.
    func lookup(_ presented: String) throws(CofferError) -> WrappedResponse {
        let token = try resolve(presented)
        return try lock.withLock { _ throws(CofferError) -> WrappedResponse in try liveEntry(token) }
    }

    /// Moves a wrapped response to a new token with the original TTL and path; the old token dies.
    func rewrap(
        _ presented: String, format: WrapFormat = .token, address: String = ""
    ) throws(CofferError)
        -> WrapInfo
    {
        let token = try resolve(presented)
        return try lock.withLock { _ throws(CofferError) -> WrapInfo in
            let old = try liveEntry(token)
            let fresh = Self.generateToken()
            var entry = old
            entry.creationTime = clock()
            entry.accessor = SecureRandom.base62(24)
            try view.commit([.delete(key: entryKey(token)), .put(key: entryKey(fresh), value: entry.serialized())])
            return try wrapInfo(token: fresh, entry, format: format, address: address)
        }
    }

    /// The stored, unexpired entry for an opaque token; an expired one is deleted. Call with `lock` held.
    private func liveEntry(_ token: String) throws(CofferError) -> WrappedResponse {
        guard let bytes = try view.get(entryKey(token)) else { throw .invalidWrappingToken }
        guard let entry = WrappedResponse.deserialize(bytes) else {
            throw .internalError("stored wrapped response is malformed")
        }
        if entry.isExpired(at: clock()) {
            try view.delete(entryKey(token))
            throw .invalidWrappingToken
        }
        return entry
    }

    /// Deletes every expired or unreadable entry; returns how many went.
    func removeExpired() throws(CofferError) -> Int {
        try lock.withLock { _ throws(CofferError) -> Int in
            let now = clock()
            var operations: [StorageOperation] = []
            for key in try view.keys("id/") {
                guard let bytes = try view.get(key) else { continue }
                if let entry = WrappedResponse.deserialize(bytes), !entry.isExpired(at: now) { continue }
                operations.append(.delete(key: key))
            }
            if !operations.isEmpty { try view.commit(operations) }
            return operations.count
        }
    }
}
