import CofferBase
import CofferCore

extension ReplicationManager {
    /// Serves `sys/replication/<path>` (legacy paths and the `performance/` family alike).
    public func handle(
        path: String, operation: LogicalOperation, data: [String: JSON]
    ) throws(CofferError)
        -> VaultResponse
    {
        var route = path
        if route.hasPrefix("performance/") { route.removeFirst("performance/".count) }
        if route.hasPrefix("dr/") {
            throw CofferError.badRequest("disaster recovery replication is not supported; use performance replication")
        }
        let fields = Fields(data)
        if route == "status" {
            guard operation == .read else { throw CofferError.unsupportedOperation }
            return core.envelope(LogicalResponse(data: try status(path: "performance").objectValue))
        }
        guard operation == .update || operation == .create else { throw CofferError.unsupportedOperation }
        let response: LogicalResponse
        switch route {
        case "primary/enable":
            response = try enablePrimary(clusterAddress: fields.string("primary_cluster_addr"))
        case "primary/secondary-token":
            let ttl = try fields.duration("ttl") ?? 1800
            guard ttl > 0 else { throw CofferError.badRequest("field \"ttl\": must be positive") }
            return try issueSecondaryToken(id: fields.requiredString("id"), ttl: ttl)
        case "primary/revoke-secondary":
            response = try revokeSecondary(id: fields.requiredString("id"))
        case "primary/demote":
            response = try demotePrimary()
        case "primary/disable":
            response = try disableReplication(expected: .primary)
        case "secondary/enable":
            response = try enableSecondary(
                token: fields.requiredString("token"), primaryAPIAddress: fields.string("primary_api_addr"),
                caFile: fields.string("ca_file"))
        case "secondary/promote":
            response = try promoteSecondary(
                clusterAddress: fields.string("primary_cluster_addr"), force: fields.bool("force") ?? false)
        case "secondary/update-primary":
            response = try updatePrimary(
                token: fields.string("token"), primaryAPIAddress: fields.string("primary_api_addr"),
                caFile: fields.string("ca_file"), addresses: fields.stringList("update_primary_addrs"))
        case "secondary/disable":
            response = try disableReplication(expected: .secondary)
        default:
            throw CofferError.unsupportedPath("sys/replication/" + path)
        }
        return core.envelope(response)
    }
}
