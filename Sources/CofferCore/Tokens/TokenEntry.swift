import CofferBase

/// A service token as stored: everything but the token itself, which exists only as a salted hash.
public struct TokenEntry: Sendable, Equatable {
    /// HMAC-SHA256 of the token under the store's salt, hex; the storage key.
    public var hash: String
    public var accessor: String
    public var policies: [String]
    /// The parent's hash; `nil` for an orphan.
    public var parentHash: String?
    public var path: String
    public var displayName: String
    public var meta: [String: String]
    /// Uses left; 0 means unlimited.
    public var numUses: Int64
    public var creationTime: Int64
    /// The TTL at creation or last renewal, seconds; 0 means the token never expires.
    public var ttl: Int64
    /// Seconds since the epoch when the token expires; `nil` for never.
    public var expireTime: Int64?
    public var explicitMaxTTL: Int64
    public var renewable: Bool
    public var period: Int64
    /// CIDR blocks the token may be used from; empty for anywhere.
    public var boundCIDRs: [String] = []
    /// Seconds since the epoch of the last renewal; `nil` until the token is first renewed.
    public var lastRenewalTime: Int64? = nil

    /// Whether the token has no parent.
    public var isOrphan: Bool { parentHash == nil }

    /// Whether the token carries the `root` policy.
    public var isRoot: Bool { policies.contains("root") }

    /// Whether the token has expired at `now` (seconds since the epoch).
    public func isExpired(at now: Int64) -> Bool {
        guard let expireTime else { return false }
        return now >= expireTime
    }

    func serialized() -> [UInt8] {
        var document: [String: JSON] = [
            "hash": .string(hash), "accessor": .string(accessor), "policies": .strings(policies),
            "path": .string(path), "display_name": .string(displayName),
            "meta": .object(meta.mapValues(JSON.string)), "num_uses": .int(numUses),
            "creation_time": .int(creationTime), "ttl": .int(ttl), "explicit_max_ttl": .int(explicitMaxTTL),
            "renewable": .bool(renewable), "period": .int(period),
        ]
        if let parentHash { document["parent"] = .string(parentHash) }
        if let expireTime { document["expire_time"] = .int(expireTime) }
        if !boundCIDRs.isEmpty { document["bound_cidrs"] = .strings(boundCIDRs) }
        if let lastRenewalTime { document["last_renewal"] = .int(lastRenewalTime) }
        return JSON.object(document).serialized()
    }

    static func deserialize(_ bytes: [UInt8]) -> TokenEntry? {
        guard let document = try? JSON.parse(bytes), let hash = document["hash"]?.stringValue,
            let accessor = document["accessor"]?.stringValue,
            let policies = document["policies"]?.arrayValue?.compactMap(\.stringValue)
        else { return nil }
        return TokenEntry(
            hash: hash, accessor: accessor, policies: policies, parentHash: document["parent"]?.stringValue,
            path: document["path"]?.stringValue ?? "", displayName: document["display_name"]?.stringValue ?? "",
            meta: document["meta"]?.objectValue?.compactMapValues(\.stringValue) ?? [:],
            numUses: document["num_uses"]?.intValue ?? 0, creationTime: document["creation_time"]?.intValue ?? 0,
            ttl: document["ttl"]?.intValue ?? 0, expireTime: document["expire_time"]?.intValue,
            explicitMaxTTL: document["explicit_max_ttl"]?.intValue ?? 0,
            renewable: document["renewable"]?.boolValue ?? false, period: document["period"]?.intValue ?? 0,
            boundCIDRs: document["bound_cidrs"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            lastRenewalTime: document["last_renewal"]?.intValue)
    }

    /// The `data` of a token lookup, as Vault shapes it. `id` is the token when the caller knows it.
    func lookupData(id: String, now: Int64) -> [String: JSON] {
        let remaining = expireTime.map { max(0, $0 - now) } ?? 0
        var data: [String: JSON] = [
            "accessor": .string(accessor), "creation_time": .int(creationTime), "creation_ttl": .int(ttl),
            "display_name": .string(displayName), "entity_id": "",
            "expire_time": expireTime.map { .string(Clock.rfc3339(Timestamp(seconds: $0), fractionalDigits: 0)) }
                ?? .null,
            "explicit_max_ttl": .int(explicitMaxTTL), "id": .string(id),
            "issue_time": .string(Clock.rfc3339(Timestamp(seconds: creationTime), fractionalDigits: 0)),
            "meta": meta.isEmpty ? .null : .object(meta.mapValues(JSON.string)), "num_uses": .int(numUses),
            "orphan": .bool(isOrphan), "path": .string(path), "policies": .strings(policies),
            "renewable": .bool(renewable), "ttl": .int(remaining), "type": "service",
        ]
        if !boundCIDRs.isEmpty { data["bound_cidrs"] = .strings(boundCIDRs) }
        return data
    }

    /// The `auth` block of a response that issued this token.
    func authBlock(token: String) -> [String: JSON] {
        let tokenPolicies = policies
        return [
            "client_token": .string(token), "accessor": .string(accessor), "policies": .strings(tokenPolicies),
            "token_policies": .strings(tokenPolicies),
            "metadata": meta.isEmpty ? .null : .object(meta.mapValues(JSON.string)),
            "lease_duration": .int(ttl), "renewable": .bool(renewable), "entity_id": "",
            "token_type": "service", "orphan": .bool(isOrphan), "mfa_requirement": .null, "num_uses": .int(numUses),
        ]
    }
}
