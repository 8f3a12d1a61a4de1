import CofferBase

/// `sys/leases/*` and the older `sys/renew`, `sys/revoke`, `sys/revoke-prefix` and
/// `sys/revoke-force`, over the only leases Coffer issues: those of tokens.
///
/// Answers follow Vault: an unknown lease is `invalid lease` to a lookup and `lease not found` to a
/// renewal, while revoking one succeeds and does nothing; a token's lease is renewed through
/// `auth/token/renew*` only, so that those paths' policies keep deciding who may extend a token.
struct LeasesEndpoint {
    let core: Core
    let context: RequestContext

    private var tokens: TokenStore { context.node.tokens }

    /// Serves `sys/<segments>`, after the ACL (and for prefix operations, sudo) check.
    func handle(_ segments: [String], _ operation: LogicalOperation) throws(CofferError) -> VaultResponse {
        let full = "sys/" + segments.joined(separator: "/")
        var rest = segments
        let legacy = rest.first != "leases"
        if !legacy { rest.removeFirst() }
        guard let action = rest.first else { throw CofferError.unsupportedPath(full) }
        let tail = rest.dropFirst().joined(separator: "/")
        switch action {
        case "lookup" where !legacy:
            if operation == .list {
                // `LIST sys/leases/lookup` is the listing of the empty prefix, root-protected like the others.
                guard !tail.isEmpty || context.acl.hasSudo(path: full) else { throw CofferError.permissionDenied }
                return try list(prefix: tail)
            }
            guard tail.isEmpty else { throw CofferError.unsupportedPath(full) }
            guard operation == .update else { throw CofferError.unsupportedOperation }
            return try lookup(requiredLeaseID(tail: ""))
        case "renew":
            guard operation == .update else { throw CofferError.unsupportedOperation }
            return try renew(requiredLeaseID(tail: tail))
        case "revoke":
            guard operation == .update else { throw CofferError.unsupportedOperation }
            let leaseID = try requiredLeaseID(tail: tail)
            if let entry = try tokens.entry(leaseID: leaseID) {
                try tokens.revoke(hash: entry.hash, orphanChildren: false)
            }
            return try revokedResponse()
        case "revoke-prefix", "revoke-force":
            guard !tail.isEmpty else { throw CofferError.unsupportedPath(full) }
            guard operation == .update else { throw CofferError.unsupportedOperation }
            let revoked = try tokens.revokeLeases(prefix: tail)
            core.logger.info("revoked leases by prefix", ["lease.prefix": tail, "lease.count": "\(revoked)"])
            return try revokedResponse()
        default:
            throw CofferError.unsupportedPath(full)
        }
    }

    /// The lease id from the body, else from the path (`sys/leases/renew/<lease id>`).
    private func requiredLeaseID(tail: String) throws(CofferError) -> String {
        let leaseID = try context.fields.string("lease_id") ?? ""
        guard !leaseID.isEmpty || !tail.isEmpty else { throw CofferError.badRequest("lease_id must be specified") }
        return leaseID.isEmpty ? tail : leaseID
    }

    /// 204, or 202 when the caller asked not to wait (`sync=false`): revocation here is always
    /// done before answering, so either way the leases are gone.
    private func revokedResponse() throws(CofferError) -> VaultResponse {
        VaultResponse(status: try context.fields.bool("sync") == false ? 202 : 204)
    }

    private func lookup(_ leaseID: String) throws(CofferError) -> VaultResponse {
        guard let entry = try tokens.entry(leaseID: leaseID) else { throw CofferError.badRequest("invalid lease") }
        let now = Clock.now().seconds
        let expireTime = entry.expireTime ?? now
        let data: [String: JSON] = [
            "id": .string(leaseID), "issue_time": .string(Self.time(entry.creationTime)),
            "expire_time": .string(Self.time(expireTime)),
            "last_renewal": entry.lastRenewalTime.map { .string(Self.time($0)) } ?? .null,
            "renewable": .bool(entry.renewable), "ttl": .int(max(0, expireTime - now)),
        ]
        return core.envelope(LogicalResponse(data: data))
    }

    private func renew(_ leaseID: String) throws(CofferError) -> VaultResponse {
        _ = try context.fields.duration("increment")
        guard let entry = try tokens.entry(leaseID: leaseID) else { throw CofferError.badRequest("lease not found") }
        guard entry.renewable else { throw CofferError.badRequest("lease is not renewable") }
        throw CofferError.badRequest("tokens cannot be renewed through this endpoint")
    }

    private func list(prefix: String) throws(CofferError) -> VaultResponse {
        let below = prefix.isEmpty || prefix.hasSuffix("/") ? prefix : prefix + "/"
        let keys = try tokens.leaseListing(prefix: below)
        guard !keys.isEmpty else { throw CofferError.notFound }
        return core.envelope(LogicalResponse(data: ["keys": .strings(keys)]))
    }

    private static func time(_ seconds: Int64) -> String {
        Clock.rfc3339(Timestamp(seconds: seconds), fractionalDigits: 0)
    }
}
