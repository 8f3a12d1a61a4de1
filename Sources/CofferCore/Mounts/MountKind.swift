/// Which mount table an entry belongs to: secrets engines (`sys/mounts`), auth methods
/// (`sys/auth`) or audit devices (`sys/audit`). Each keeps a replicated half and a local half,
/// and the same rules.
public enum MountKind: Sendable, Equatable {
    case secrets
    case auth
    case audit

    /// The storage key of the replicated half of the table.
    var replicatedKey: String {
        switch self {
        case .secrets: return "sys/mount-table"
        case .auth: return "sys/auth-table"
        case .audit: return "sys/audit-table"
        }
    }

    /// The storage key of the local half of the table.
    var localKey: String { DataClass.localPrefix + replicatedKey }

    /// The folder below which each mount's data lives, by uuid (after `local/` for local mounts).
    var dataRoot: String {
        switch self {
        case .secrets: return "logical/"
        case .auth: return "auth/"
        case .audit: return "audit/"
        }
    }

    /// What errors call one entry of the table.
    var noun: String {
        switch self {
        case .secrets: return "secrets engine"
        case .auth: return "auth method"
        case .audit: return "audit device"
        }
    }

    /// Paths that belong to built-in backends and cannot be mounted over.
    var reserved: [String] {
        switch self {
        case .secrets: return ["sys/", "auth/", "cubbyhole/", "identity/"]
        case .auth, .audit: return []
        }
    }

    /// The start of a new entry's accessor, before its type: `auth_userpass_…` as in Vault.
    var accessorPrefix: String {
        switch self {
        case .secrets: return ""
        case .auth: return "auth_"
        case .audit: return "audit_"
        }
    }
}
