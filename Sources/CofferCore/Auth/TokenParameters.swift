import CofferBase

/// The token settings a user or role of an auth method carries (Vault's `token_*` fields): what
/// a successful login asks the token store for.
struct TokenParameters: Sendable, Equatable {
    /// Policy names, normalized; `default` is added at login unless `noDefaultPolicy`.
    var policies: [String] = []
    /// Seconds; 0 takes the mount's default.
    var ttl: Int64 = 0
    /// Seconds; 0 takes the mount's maximum.
    var maxTTL: Int64 = 0
    /// A hard cap in seconds no renewal passes; 0 for none.
    var explicitMaxTTL: Int64 = 0
    /// Seconds each renewal grants, without a maximum; 0 for an ordinary token.
    var period: Int64 = 0
    /// Requests the token may make; 0 for no limit.
    var numUses: Int64 = 0
    /// Whether the token goes without the `default` policy.
    var noDefaultPolicy = false
    /// Where a login may come from, and where its token may then be used; empty for anywhere.
    var boundCIDRs: [CIDRBlock] = []

    /// Applies the fields present in a write; Vault's older names (`policies`, `ttl`, `max_ttl`,
    /// `period`, `bound_cidrs`) count when the `token_` name is absent.
    mutating func update(from fields: Fields) throws(CofferError) {
        if let list = try either(fields.stringList("token_policies"), fields.stringList("policies")) {
            policies = Self.normalizedPolicies(list)
        }
        if let seconds = try either(fields.duration("token_ttl"), fields.duration("ttl")) { ttl = seconds }
        if let seconds = try either(fields.duration("token_max_ttl"), fields.duration("max_ttl")) { maxTTL = seconds }
        if let seconds = try fields.duration("token_explicit_max_ttl") { explicitMaxTTL = seconds }
        if let seconds = try either(fields.duration("token_period"), fields.duration("period")) { period = seconds }
        if let uses = try fields.int("token_num_uses") {
            guard uses >= 0 else { throw CofferError.badRequest("\"token_num_uses\" cannot be negative") }
            numUses = uses
        }
        if let flag = try fields.bool("token_no_default_policy") { noDefaultPolicy = flag }
        if let blocks = try either(Self.cidrs(fields, "token_bound_cidrs"), Self.cidrs(fields, "bound_cidrs")) {
            boundCIDRs = blocks
        }
        if let type = try fields.string("token_type") {
            switch type {
            case "", "default", "service", "default-service": break
            case "batch", "default-batch": throw CofferError.badRequest("batch tokens are not supported")
            default: throw CofferError.badRequest("invalid \"token_type\" value")
            }
        }
        guard maxTTL == 0 || ttl <= maxTTL else {
            throw CofferError.badRequest("\"token_ttl\" cannot be greater than \"token_max_ttl\"")
        }
    }

    /// The `token_` field's value, else the older name's (both already read, so both are type-checked).
    private func either<Value>(_ current: Value?, _ older: Value?) -> Value? {
        current ?? older
    }

    /// A list of CIDR blocks from a field, or `nil` when the field is absent.
    static func cidrs(_ fields: Fields, _ name: String) throws(CofferError) -> [CIDRBlock]? {
        guard let texts = try fields.stringList(name) else { return nil }
        var blocks: [CIDRBlock] = []
        for text in texts {
            guard let block = CIDRBlock(text) else {
                throw CofferError.badRequest("field \"\(name)\": expected CIDR blocks such as 10.0.0.0/8")
            }
            blocks.append(block)
        }
        return blocks
    }

    /// Lower-case, trimmed, without duplicates or empty names, sorted: policy names as Vault keeps them.
    static func normalizedPolicies(_ names: [String]) -> [String] {
        Array(Set(names.map { $0.trimmingWhitespace().lowercased() }.filter { !$0.isEmpty })).sorted()
    }

    /// The fields as a read of the user or role shows them, with the older `policies` alongside.
    func responseData() -> [String: JSON] {
        [
            "token_policies": .strings(policies), "policies": .strings(policies), "token_ttl": .int(ttl),
            "token_max_ttl": .int(maxTTL), "token_explicit_max_ttl": .int(explicitMaxTTL),
            "token_period": .int(period), "token_num_uses": .int(numUses),
            "token_no_default_policy": .bool(noDefaultPolicy),
            "token_bound_cidrs": .strings(boundCIDRs.map(\.description)), "token_type": "default",
        ]
    }

    /// The stored form, as members of the owner's document.
    func serialized() -> [String: JSON] {
        [
            "token_policies": .strings(policies), "token_ttl": .int(ttl), "token_max_ttl": .int(maxTTL),
            "token_explicit_max_ttl": .int(explicitMaxTTL), "token_period": .int(period),
            "token_num_uses": .int(numUses), "token_no_default_policy": .bool(noDefaultPolicy),
            "token_bound_cidrs": .strings(boundCIDRs.map(\.description)),
        ]
    }

    /// Reads the stored form back; absent members keep their defaults.
    init(stored document: JSON) {
        policies = document["token_policies"]?.arrayValue?.compactMap(\.stringValue) ?? []
        ttl = document["token_ttl"]?.intValue ?? 0
        maxTTL = document["token_max_ttl"]?.intValue ?? 0
        explicitMaxTTL = document["token_explicit_max_ttl"]?.intValue ?? 0
        period = document["token_period"]?.intValue ?? 0
        numUses = document["token_num_uses"]?.intValue ?? 0
        noDefaultPolicy = document["token_no_default_policy"]?.boolValue ?? false
        boundCIDRs = (document["token_bound_cidrs"]?.arrayValue ?? []).compactMap {
            $0.stringValue.flatMap(CIDRBlock.init)
        }
    }

    /// The defaults: no policies, TTLs from the mount.
    init() {}
}
