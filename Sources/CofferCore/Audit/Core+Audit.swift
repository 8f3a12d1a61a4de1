import CofferBase

extension Core {
    /// The audit trail for a request, or `nil` when no device is enabled (or the node is sealed,
    /// when nothing runs): a snapshot read is all an unaudited request pays.
    func auditTrail(for request: VaultRequest) -> AuditTrail? {
        guard let node = try? unsealedNode() else { return nil }
        let devices = node.audit.devices
        guard !devices.isEmpty else { return nil }
        return AuditTrail(devices: devices, facts: Self.auditFacts(request, node: node), logger: logger)
    }

    /// What the entries say about `request` before its token is resolved.
    private static func auditFacts(_ request: VaultRequest, node: UnsealedNode) -> AuditRequestFacts {
        let operation = try? Self.operation(for: request)
        // The input of sys/audit-hash is what someone wants to find in the log: it is never written.
        let logsData = !request.path.hasPrefix("sys/audit-hash")
        var facts = AuditRequestFacts(
            id: RequestID.next(), operation: operation?.rawValue ?? request.method.lowercased(), path: request.path,
            clientToken: request.token ?? "", remoteAddress: request.remoteAddress, wrapTTL: request.wrapTTL ?? 0,
            data: logsData ? operation.flatMap { try? Self.inputData(for: request, operation: $0) } : nil)
        let path = request.path
        if path == "sys" || path.hasPrefix("sys/") {
            (facts.mountPoint, facts.mountType, facts.mountAccessor) = ("sys/", "system", "system_builtin")
        } else if path.hasPrefix("auth/") {
            if let (mount, _) = node.authMounts.table.route(String(path.dropFirst(5))) {
                (facts.mountPoint, facts.mountType, facts.mountAccessor) = (
                    "auth/" + mount.path, mount.type, mount.accessor
                )
            }
        } else if let (mount, _) = node.mounts.table.route(path) {
            (facts.mountPoint, facts.mountType, facts.mountAccessor) = (mount.path, mount.type, mount.accessor)
        }
        return facts
    }
}
