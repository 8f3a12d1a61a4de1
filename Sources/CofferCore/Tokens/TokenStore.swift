import CofferBase
import CofferCrypto
import CofferStorage
import Synchronization

/// Creates, finds, uses, renews and revokes service tokens (DESIGN.md §3: tokens are local data).
///
/// Tokens are stored only as HMAC-SHA256 under a per-cluster salt: `id/<hash>` holds the entry,
/// `accessor/<hash of accessor>` points at it, and `parent/<parent hash>/<child hash>` records the
/// tree that revocation walks. A bounded in-memory cache keyed by hash keeps the read path off storage,
/// and the lease index (`TokenStore+Leases.swift`) tracks when each token expires.
public final class TokenStore: Sendable {
    /// Vault's system default and maximum TTL: 32 days.
    public static let systemMaxTTL: Int64 = 768 * 3600
    static let cacheLimit = 65_536

    let view: StorageView
    private let salt: [UInt8]
    private let cache = ReadWriteLock<[String: TokenEntry]>([:])
    /// Token → hash, so the request path skips the HMAC for tokens seen recently. A memo of a pure
    /// function: it can never be stale, and it is bounded like the entry cache.
    private let hashMemo = ReadWriteLock<[String: String]>([:])
    /// Serializes read-modify-write of use counts, renewals and revocations, and the lease index's
    /// changes with them: the index is changed only while this lock is held (it is taken first).
    let writeLock = Mutex<Void>(())
    /// The tokens with an expiry; filled by `restoreLeases()` on the node that revokes them.
    let leaseIndex = Mutex(LeaseIndex())
    /// Serializes restores, so the index is read in from storage once.
    let restoreLock = Mutex<Void>(())

    /// Opens the store, creating its salt on first use.
    public init(view: StorageView) throws(CofferError) {
        self.view = view
        salt = try view.salt()
    }

    /// The salted hash that stands for a token (or an accessor) in storage.
    public func hash(_ secret: String) -> String {
        Hex.encode(HMACSHA256.authenticate(Array(secret.utf8), key: salt))
    }

    private func accessorKey(_ accessor: String) -> String {
        "accessor/" + hash("accessor:" + accessor)
    }

    /// A new random token in Vault's service-token format.
    static func generateToken() -> String { "hvs." + SecureRandom.base62(24) }

    // MARK: Lookup

    /// The live entry for a token, or `nil` when it does not exist or has expired (then it is revoked).
    public func lookup(token: String) throws(CofferError) -> TokenEntry? {
        try lookup(hash: memoizedHash(token))
    }

    private func memoizedHash(_ token: String) -> String {
        if let known = hashMemo.read({ $0[token] }) { return known }
        let computed = hash(token)
        hashMemo.write { memo in
            if memo.count >= Self.cacheLimit { memo.removeAll(keepingCapacity: true) }
            memo[token] = computed
        }
        return computed
    }

    /// The live entry stored under a hash.
    public func lookup(hash tokenHash: String) throws(CofferError) -> TokenEntry? {
        let entry: TokenEntry
        if let cached = cache.read({ $0[tokenHash] }) {
            entry = cached
        } else {
            guard let bytes = try view.get("id/" + tokenHash) else { return nil }
            guard let stored = TokenEntry.deserialize(bytes) else {
                throw .internalError("stored token entry is malformed")
            }
            remember(stored)
            entry = stored
        }
        if entry.isExpired(at: Clock.now().seconds) {
            try revoke(hash: tokenHash, orphanChildren: false)
            return nil
        }
        return entry
    }

    /// The live entry an accessor names.
    public func lookup(accessor: String) throws(CofferError) -> TokenEntry? {
        guard let target = try view.get(accessorKey(accessor)) else { return nil }
        return try lookup(hash: String(decoding: target, as: UTF8.self))
    }

    func remember(_ entry: TokenEntry) {
        cache.write { cache in
            if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[entry.hash] = entry
        }
    }

    private func forget(_ hashes: [String]) {
        cache.write { cache in
            for tokenHash in hashes { cache.removeValue(forKey: tokenHash) }
        }
    }

    /// Drops every cached entry, e.g. when the node seals.
    public func clearCache() {
        hashMemo.write { $0.removeAll() }
        cache.write { $0.removeAll() }
    }

    // MARK: Use

    /// Checks a token for a request from `remoteAddress` and spends one use of a limited-use token;
    /// the token is revoked when its last use is spent, and the returned entry still serves the
    /// request in progress. A token bound to CIDR blocks is refused from elsewhere, and from an
    /// unknown address.
    public func use(token: String, remoteAddress: String? = nil) throws(CofferError) -> TokenEntry {
        guard let entry = try lookup(token: token) else { throw CofferError.permissionDenied }
        if !entry.boundCIDRs.isEmpty,
            !CIDRBlock.allows(remoteAddress, in: entry.boundCIDRs.compactMap { CIDRBlock($0) })
        {
            throw CofferError.permissionDenied
        }
        guard entry.numUses > 0 else { return entry }
        return try writeLock.withLock { _ throws(CofferError) -> TokenEntry in
            guard var current = try lookup(hash: entry.hash) else { throw CofferError.permissionDenied }
            guard current.numUses > 0 else { return current }
            current.numUses -= 1
            if current.numUses == 0 {
                try revokeLocked(hash: current.hash, orphanChildren: false)
            } else {
                try view.put("id/" + current.hash, current.serialized())
                remember(current)
            }
            return current
        }
    }

    // MARK: Create

    /// What a caller asks for when creating a token.
    public struct CreateRequest: Sendable {
        public var id: String?
        public var policies: [String]
        public var meta: [String: String] = [:]
        public var displayName: String = "token"
        public var numUses: Int64 = 0
        public var ttl: Int64?
        public var explicitMaxTTL: Int64 = 0
        public var period: Int64 = 0
        public var renewable: Bool = true
        public var orphan: Bool = false
        public var path: String = "auth/token/create"
        /// CIDR blocks the token may be used from; empty for anywhere.
        public var boundCIDRs: [String] = []

        public init(policies: [String]) {
            self.policies = policies
        }
    }

    /// Creates a token under `parent` (or as an orphan) and stores it; returns the token and its entry.
    public func create(_ request: CreateRequest, parent: TokenEntry?) throws(CofferError) -> (String, TokenEntry) {
        let token = request.id ?? Self.generateToken()
        guard !token.isEmpty else { throw .badRequest("token id must not be empty") }
        let tokenHash = hash(token)
        let now = Clock.now().seconds
        var ttl: Int64
        if request.policies.contains("root") {
            ttl = request.ttl ?? 0
        } else {
            ttl = request.period > 0 ? request.period : (request.ttl ?? Self.systemMaxTTL)
            if ttl == 0 { ttl = Self.systemMaxTTL }
        }
        if request.explicitMaxTTL > 0, ttl == 0 || ttl > request.explicitMaxTTL { ttl = request.explicitMaxTTL }
        if !request.orphan, let parentExpiry = parent?.expireTime {
            let remaining = max(1, parentExpiry - now)
            if ttl == 0 || ttl > remaining { ttl = remaining }
        }
        let entry = TokenEntry(
            hash: tokenHash, accessor: SecureRandom.base62(24), policies: request.policies,
            parentHash: request.orphan ? nil : parent?.hash, path: request.path, displayName: request.displayName,
            meta: request.meta, numUses: request.numUses, creationTime: now, ttl: ttl,
            expireTime: ttl > 0 ? now + ttl : nil, explicitMaxTTL: request.explicitMaxTTL,
            renewable: ttl > 0 && request.renewable, period: request.period, boundCIDRs: request.boundCIDRs)
        try writeLock.withLock { _ throws(CofferError) in
            guard try view.get("id/" + tokenHash) == nil else {
                throw CofferError.badRequest("a token with that id already exists")
            }
            var operations: [StorageOperation] = [
                .put(key: "id/" + tokenHash, value: entry.serialized()),
                .put(key: accessorKey(entry.accessor), value: Array(tokenHash.utf8)),
            ]
            if let parentHash = entry.parentHash {
                operations.append(.put(key: "parent/\(parentHash)/\(tokenHash)", value: []))
            }
            try view.commit(operations)
            recordLease(entry)
        }
        remember(entry)
        return (token, entry)
    }

    // MARK: Renew

    /// Extends a renewable token's TTL by `increment` (or its original TTL), within its maximum.
    public func renew(hash tokenHash: String, increment: Int64?) throws(CofferError) -> TokenEntry {
        try writeLock.withLock { _ throws(CofferError) -> TokenEntry in
            guard var entry = try lookup(hash: tokenHash) else { throw CofferError.badRequest("invalid token") }
            guard entry.expireTime != nil else { return entry }
            guard entry.renewable else { throw CofferError.badRequest("lease is not renewable") }
            let now = Clock.now().seconds
            var ttl = entry.period > 0 ? entry.period : (increment.flatMap { $0 > 0 ? $0 : nil } ?? entry.ttl)
            let maxTTL = entry.explicitMaxTTL > 0 ? entry.explicitMaxTTL : Self.systemMaxTTL
            let limit = entry.creationTime + maxTTL - now
            if entry.period == 0 { ttl = min(ttl, max(0, limit)) }
            entry.ttl = ttl
            entry.expireTime = now + ttl
            entry.lastRenewalTime = now
            try view.put("id/" + entry.hash, entry.serialized())
            remember(entry)
            recordLease(entry)
            return entry
        }
    }

    // MARK: Revoke

    /// Revokes a token and, unless `orphanChildren`, every token created under it.
    public func revoke(hash tokenHash: String, orphanChildren: Bool) throws(CofferError) {
        try writeLock.withLock { _ throws(CofferError) in
            try revokeLocked(hash: tokenHash, orphanChildren: orphanChildren)
        }
    }

    /// Revokes a token's tree; the caller holds `writeLock`.
    func revokeLocked(hash tokenHash: String, orphanChildren: Bool) throws(CofferError) {
        var operations: [StorageOperation] = []
        var revoked: [String] = []
        var orphaned: [String] = []
        var pending = [tokenHash]
        while let current = pending.popLast() {
            let children = try view.keys("parent/\(current)/").map { String($0.split(separator: "/").last!) }
            if orphanChildren && current == tokenHash {
                for child in children {
                    guard let bytes = try view.get("id/" + child), var entry = TokenEntry.deserialize(bytes) else {
                        continue
                    }
                    entry.parentHash = nil
                    operations.append(.put(key: "id/" + child, value: entry.serialized()))
                    orphaned.append(child)
                }
            } else {
                pending.append(contentsOf: children)
            }
            for child in children { operations.append(.delete(key: "parent/\(current)/\(child)")) }
            if let bytes = try view.get("id/" + current), let entry = TokenEntry.deserialize(bytes) {
                operations.append(.delete(key: accessorKey(entry.accessor)))
                if let parentHash = entry.parentHash {
                    operations.append(.delete(key: "parent/\(parentHash)/\(current)"))
                }
            }
            operations.append(.delete(key: "id/" + current))
            revoked.append(current)
        }
        try view.commit(operations)
        forget(revoked + orphaned)
        leaseIndex.withLock { index in
            for tokenHash in revoked { index.remove(tokenHash) }
        }
    }

    /// Revokes every token created through a path below `prefix`, with its children, as disabling
    /// an auth method does to the tokens its logins issued; returns how many were revoked.
    @discardableResult
    public func revokeAll(createdUnder prefix: String) throws(CofferError) -> Int {
        try writeLock.withLock { _ throws(CofferError) -> Int in
            var revoked = 0
            for key in try view.keys("id/") {
                guard let bytes = try view.get(key), let entry = TokenEntry.deserialize(bytes),
                    entry.path.hasPrefix(prefix)
                else { continue }
                try revokeLocked(hash: entry.hash, orphanChildren: false)
                revoked += 1
            }
            return revoked
        }
    }

    /// Every accessor of a live token (for `auth/token/accessors`).
    public func accessors() throws(CofferError) -> [String] {
        var result: [String] = []
        for key in try view.keys("id/") {
            if let bytes = try view.get(key), let entry = TokenEntry.deserialize(bytes),
                !entry.isExpired(at: Clock.now().seconds)
            {
                result.append(entry.accessor)
            }
        }
        return result.sorted()
    }
}

extension TokenStore {
    /// Storage operations (relative to the store's view) that create the salt and an initial root
    /// token, so `sys/init` can write them in the same batch as the keys.
    static func bootstrapOperations(rootToken: String) -> [StorageOperation] {
        let salt = SecureRandom.bytes(32)
        let tokenHash = Hex.encode(HMACSHA256.authenticate(Array(rootToken.utf8), key: salt))
        let accessor = SecureRandom.base62(24)
        let accessorHash = Hex.encode(HMACSHA256.authenticate(Array(("accessor:" + accessor).utf8), key: salt))
        let entry = TokenEntry(
            hash: tokenHash, accessor: accessor, policies: ["root"], parentHash: nil, path: "auth/token/root",
            displayName: "root", meta: [:], numUses: 0, creationTime: Clock.now().seconds, ttl: 0,
            expireTime: nil, explicitMaxTTL: 0, renewable: false, period: 0)
        return [
            .put(key: "salt", value: salt),
            .put(key: "id/" + tokenHash, value: entry.serialized()),
            .put(key: "accessor/" + accessorHash, value: Array(tokenHash.utf8)),
        ]
    }
}
