import CofferBase

/// Token leases: what `sys/leases/*` sees of tokens, and the work of the expiration manager.
///
/// A token with an expiry has a lease whose id is its creation path and its hash
/// (`auth/token/create/<hash>`), as Vault names token leases; a token that never expires has none.
extension TokenStore {
    /// Stored entries read per hold of the write lock while restoring, so that requests are not
    /// held up behind a long restore.
    static let restoreChunk = 256

    /// Records a token's lease in the index; the caller holds `writeLock`.
    func recordLease(_ entry: TokenEntry) {
        guard let expireTime = entry.expireTime else { return }
        leaseIndex.withLock { $0.record(hash: entry.hash, path: entry.path, expireTime: expireTime) }
    }

    /// Reads every stored token with an expiry into the lease index, once per store.
    ///
    /// Each chunk is read holding `writeLock`, so a create, renewal or revocation lands either
    /// before the chunk (and the chunk reads its result) or after it (and updates the index itself).
    /// - Returns: how many leases were read, or `nil` when the index was already restored.
    @discardableResult
    func restoreLeases() throws(CofferError) -> Int? {
        try restoreLock.withLock { _ throws(CofferError) -> Int? in
            guard !leaseIndex.withLock({ $0.isRestored }) else { return nil }
            let keys = try view.keys("id/")
            var restored = 0
            var start = 0
            while start < keys.count {
                let chunk = keys[start..<min(start + Self.restoreChunk, keys.count)]
                try writeLock.withLock { _ throws(CofferError) in
                    for key in chunk {
                        guard let bytes = try view.get(key), let entry = TokenEntry.deserialize(bytes),
                            entry.expireTime != nil
                        else { continue }
                        recordLease(entry)
                        restored += 1
                    }
                }
                start += Self.restoreChunk
            }
            leaseIndex.withLock { $0.isRestored = true }
            return restored
        }
    }

    /// Revokes, with their children, up to `limit` tokens whose expiry is at or before `now`.
    /// A token renewed since the index last saw it goes back into the index instead.
    /// - Returns: how many tokens were revoked, and whether the limit cut the round short.
    func revokeExpired(now: Int64, limit: Int) throws(CofferError) -> (revoked: Int, more: Bool) {
        let due = leaseIndex.withLock { $0.takeDue(at: now, limit: limit) }
        var revoked = 0
        for (position, item) in due.enumerated() {
            do {
                revoked += try writeLock.withLock { _ throws(CofferError) -> Int in
                    guard let bytes = try view.get("id/" + item.hash), let entry = TokenEntry.deserialize(bytes) else {
                        return 0
                    }
                    guard entry.isExpired(at: now) else {
                        recordLease(entry)
                        return 0
                    }
                    try revokeLocked(hash: item.hash, orphanChildren: false)
                    return 1
                }
            } catch {
                // What was taken out of the index and not handled goes back, for the next round.
                leaseIndex.withLock { index in
                    for rest in due[position...] {
                        index.record(hash: rest.hash, path: rest.lease.path, expireTime: rest.lease.expireTime)
                    }
                }
                throw error
            }
        }
        return (revoked, due.count == limit)
    }

    /// The live token a lease id names; `nil` when there is none, or it has no lease.
    func entry(leaseID: String) throws(CofferError) -> TokenEntry? {
        guard let (path, tokenHash) = LeaseIndex.parse(leaseID: leaseID),
            let entry = try lookup(hash: tokenHash), entry.path == path, entry.expireTime != nil
        else { return nil }
        return entry
    }

    /// The next level of lease ids below `prefix`, as `LIST sys/leases/lookup/<prefix>` shows it.
    func leaseListing(prefix: String) throws(CofferError) -> [String] {
        try restoreLeases()
        return leaseIndex.withLock { $0.children(of: prefix) }
    }

    /// Revokes the token a full lease id names, or else every token whose lease id lies below
    /// `prefix` as a path (Vault adds the trailing `/`), each with its children.
    /// - Returns: how many tokens were revoked.
    @discardableResult
    func revokeLeases(prefix: String) throws(CofferError) -> Int {
        if !prefix.hasSuffix("/"), let entry = try entry(leaseID: prefix) {
            try revoke(hash: entry.hash, orphanChildren: false)
            return 1
        }
        try restoreLeases()
        let below = prefix.isEmpty || prefix.hasSuffix("/") ? prefix : prefix + "/"
        let hashes = leaseIndex.withLock { $0.hashes(leaseIDPrefix: below) }
        for tokenHash in hashes { try revoke(hash: tokenHash, orphanChildren: false) }
        return hashes.count
    }
}
