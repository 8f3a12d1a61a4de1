/// Which of the two mount tables an entry belongs to: secrets engines (`sys/mounts`) or auth
/// methods (`sys/auth`). Both keep a replicated half and a local half, and the same rules.
public enum MountKind: Sendable, Equatable {
    case secrets
    case auth

    /// The storage key of the replicated half of the table.
    var replicatedKey: String {
        switch self {
        case .secrets: return "sys/mount-table"
        case .auth: return "sys/auth-table"
        }
    }

    /// The storage key of the local half of the table.
    var localKey: String { DataClass.localPrefix + replicatedKey }

    /// The folder below which each mount's data lives, by uuid (after `local/` for local mounts).
    var dataRoot: String {
        switch self {
        case .secrets: return "logical/"
        case .auth: return "auth/"
        }
    }

    /// What errors call one entry of the table.
    var noun: String {
        switch self {
        case .secrets: return "secrets engine"
        case .auth: return "auth method"
        }
    }

    /// Paths that belong to built-in backends and cannot be mounted over.
    var reserved: [String] {
        switch self {
        case .secrets: return ["sys/", "auth/", "cubbyhole/", "identity/"]
        case .auth: return []
        }
    }

    /// The start of a new entry's accessor, before its type: `auth_userpass_…` as in Vault.
    var accessorPrefix: String {
        switch self {
        case .secrets: return ""
        case .auth: return "auth_"
        }
    }
}
