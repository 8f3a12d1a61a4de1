import CofferBase

/// A secret ID as stored under its salted hash: never the secret itself.
struct AppRoleSecretID: Sendable {
    /// The identifier that names the secret ID without revealing it.
    var accessor: String
    /// Seconds since the epoch.
    var creationTime: Int64
    /// The TTL it was issued with; 0 for none.
    var ttl: Int64
    /// Logins it allows; 0 for no limit. What is spent is counted per cluster (`AppRoleBackend`).
    var numUses: Int64
    /// Copied into the token's metadata at login.
    var metadata: [String: String] = [:]
    /// Where logins with it may come from (`cidr_list`); empty for anywhere.
    var cidrs: [CIDRBlock] = []
    /// Where its logins' tokens may be used; empty to take the role's.
    var tokenBoundCIDRs: [CIDRBlock] = []

    /// Seconds since the epoch when it expires; `nil` for never.
    var expirationTime: Int64? { ttl > 0 ? creationTime + ttl : nil }

    /// Whether it has expired at `now` (seconds since the epoch).
    func isExpired(at now: Int64) -> Bool {
        guard let expirationTime else { return false }
        return now >= expirationTime
    }

    /// What `secret-id/lookup` and `secret-id-accessor/lookup` show, with the uses left here.
    func lookupData(usesLeft: Int64) -> [String: JSON] {
        let created = Clock.rfc3339(Timestamp(seconds: creationTime), fractionalDigits: 0)
        return [
            "secret_id_accessor": .string(accessor), "creation_time": .string(created),
            "last_updated_time": .string(created),
            "expiration_time": .string(
                expirationTime.map { Clock.rfc3339(Timestamp(seconds: $0), fractionalDigits: 0) }
                    ?? "0001-01-01T00:00:00Z"),
            "secret_id_ttl": .int(ttl), "secret_id_num_uses": .int(usesLeft),
            "metadata": .object(metadata.mapValues(JSON.string)), "cidr_list": .strings(cidrs.map(\.description)),
            "token_bound_cidrs": .strings(tokenBoundCIDRs.map(\.description)),
        ]
    }

    /// The stored form.
    func serialized() -> JSON {
        [
            "accessor": .string(accessor), "creation_time": .int(creationTime), "ttl": .int(ttl),
            "num_uses": .int(numUses), "metadata": .object(metadata.mapValues(JSON.string)),
            "cidr_list": .strings(cidrs.map(\.description)),
            "token_bound_cidrs": .strings(tokenBoundCIDRs.map(\.description)),
        ]
    }

    /// A new secret ID with no metadata or CIDR bounds.
    init(accessor: String, creationTime: Int64, ttl: Int64, numUses: Int64) {
        self.accessor = accessor
        self.creationTime = creationTime
        self.ttl = ttl
        self.numUses = numUses
    }

    /// Reads the stored form back.
    init(stored document: JSON) throws(CofferError) {
        guard let accessor = document["accessor"]?.stringValue, let created = document["creation_time"]?.intValue
        else { throw CofferError.internalError("stored AppRole secret ID is malformed") }
        self.accessor = accessor
        creationTime = created
        ttl = document["ttl"]?.intValue ?? 0
        numUses = document["num_uses"]?.intValue ?? 0
        metadata = document["metadata"]?.objectValue?.compactMapValues(\.stringValue) ?? [:]
        func blocks(_ name: String) -> [CIDRBlock] {
            (document[name]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(CIDRBlock.init) }
        }
        cidrs = blocks("cidr_list")
        tokenBoundCIDRs = blocks("token_bound_cidrs")
    }
}
