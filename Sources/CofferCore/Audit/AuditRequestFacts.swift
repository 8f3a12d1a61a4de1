import CofferBase

/// What every entry of one request says about the request and its caller, gathered once and
/// rendered by each device with its own salt.
struct AuditRequestFacts: Sendable {
    /// The request id, also the response envelope's `request_id`.
    var id: String
    /// Vault's operation name (`read`, `update`, `delete`, `list`, `patch`).
    var operation: String
    /// The path below `/v1/`.
    var path: String
    /// The token the client sent, empty when none.
    var clientToken: String
    /// The client's IP address, `nil` for requests made in process.
    var remoteAddress: String?
    /// Seconds the client asked its response to be wrapped for; 0 for none.
    var wrapTTL: Int64
    /// The input fields; `nil` when they must not be logged at all (`sys/audit-hash`).
    var data: [String: JSON]?
    /// The path of the mount serving the request (`sys/` for system paths); empty when none does.
    var mountPoint = ""
    /// That mount's type (`kv`, `system`, `token`, `userpass`).
    var mountType = ""
    /// That mount's accessor.
    var mountAccessor = ""
    /// The token entry of the caller, once the token is resolved; `nil` for logins, unknown tokens
    /// and requests without one.
    var caller: TokenEntry?
}
