import CofferBase

/// An AppRole role as stored: its role ID, how its secret IDs are issued, and its token settings.
struct AppRoleRole: Sendable {
    /// An internal id naming the folders of the role's secret IDs, so a role deleted and created
    /// again under the same name never sees the old role's secret IDs.
    var id: String
    /// The role ID a login presents; not a secret, shown by `role-id` reads.
    var roleID: String
    /// Whether a login needs a secret ID as well as the role ID.
    var bindSecretID = true
    /// Seconds a new secret ID lives; 0 for no limit.
    var secretIDTTL: Int64 = 0
    /// Logins a new secret ID allows; 0 for no limit.
    var secretIDNumUses: Int64 = 0
    /// Where logins with this role may come from; empty for anywhere.
    var secretIDBoundCIDRs: [CIDRBlock] = []
    /// What the tokens of its logins get.
    var token = TokenParameters()

    /// Applies the fields present in a write of `role/<name>`.
    mutating func update(from fields: Fields) throws(CofferError) {
        if let flag = try fields.bool("bind_secret_id") { bindSecretID = flag }
        if let seconds = try fields.duration("secret_id_ttl") { secretIDTTL = seconds }
        if let uses = try fields.int("secret_id_num_uses") {
            guard uses >= 0 else { throw CofferError.badRequest("\"secret_id_num_uses\" cannot be negative") }
            secretIDNumUses = uses
        }
        if let blocks = try TokenParameters.cidrs(fields, "secret_id_bound_cidrs") { secretIDBoundCIDRs = blocks }
        try token.update(from: fields)
        guard bindSecretID || !secretIDBoundCIDRs.isEmpty || !token.boundCIDRs.isEmpty else {
            throw CofferError.badRequest(
                "at least one constraint should be enabled on the role: bind_secret_id or bound CIDRs")
        }
    }

    /// The role as a read shows it.
    func responseData() -> [String: JSON] {
        var data = token.responseData()
        data["bind_secret_id"] = .bool(bindSecretID)
        data["secret_id_ttl"] = .int(secretIDTTL)
        data["secret_id_num_uses"] = .int(secretIDNumUses)
        data["secret_id_bound_cidrs"] = .strings(secretIDBoundCIDRs.map(\.description))
        data["local_secret_ids"] = false
        return data
    }

    /// The stored form.
    func serialized() -> JSON {
        var document = token.serialized()
        document["id"] = .string(id)
        document["role_id"] = .string(roleID)
        document["bind_secret_id"] = .bool(bindSecretID)
        document["secret_id_ttl"] = .int(secretIDTTL)
        document["secret_id_num_uses"] = .int(secretIDNumUses)
        document["secret_id_bound_cidrs"] = .strings(secretIDBoundCIDRs.map(\.description))
        return .object(document)
    }

    /// A new role with the defaults Vault gives one.
    init(id: String, roleID: String) {
        self.id = id
        self.roleID = roleID
    }

    /// Reads the stored form back.
    init(stored document: JSON) throws(CofferError) {
        guard let id = document["id"]?.stringValue, let roleID = document["role_id"]?.stringValue else {
            throw CofferError.internalError("stored AppRole role is malformed")
        }
        self.id = id
        self.roleID = roleID
        bindSecretID = document["bind_secret_id"]?.boolValue ?? true
        secretIDTTL = document["secret_id_ttl"]?.intValue ?? 0
        secretIDNumUses = document["secret_id_num_uses"]?.intValue ?? 0
        secretIDBoundCIDRs = (document["secret_id_bound_cidrs"]?.arrayValue ?? []).compactMap {
            $0.stringValue.flatMap(CIDRBlock.init)
        }
        token = TokenParameters(stored: document)
    }
}
