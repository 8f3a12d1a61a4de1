import CofferBase

/// The authenticated `sys/` paths: mounts, auth methods, audit devices, policies, leases, seal,
/// rotation, rekey, key status and UI helpers.
struct SystemBackend {
    let core: Core

    /// Serves `sys/<path>` after the ACL check.
    func handle(path: String, operation: LogicalOperation, context: RequestContext) throws(CofferError) -> VaultResponse
    {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch segments.first ?? "" {
        case "mounts":
            return try MountsEndpoint(core: core, context: context).handle(Array(segments.dropFirst()), operation)
        case "policy", "policies":
            return try PoliciesEndpoint(core: core, context: context).handle(segments, operation)
        case "generate-root-token":
            return try generateRootToken(Array(segments.dropFirst()), operation, context)
        case "seal":
            guard operation == .update else { throw CofferError.unsupportedOperation }
            core.sealOnRequest()
            return VaultResponse(status: 204)
        case "metrics":
            guard operation == .read else { throw CofferError.unsupportedOperation }
            return try core.metricsResponse(format: context.data["format"]?.stringValue)
        case "step-down":
            guard operation == .update else { throw CofferError.unsupportedOperation }
            try core.stepDownRequested()
            return VaultResponse(status: 204)
        case "rotate":
            guard operation == .update else { throw CofferError.unsupportedOperation }
            _ = try core.rotate()
            return VaultResponse(status: 204)
        case "key-status":
            guard operation == .read else { throw CofferError.unsupportedOperation }
            guard let keyring = core.barrier.currentKeyring else { throw CofferError.sealed }
            let installed = Clock.rfc3339(keyring.active.installTime)
            return core.envelope(
                LogicalResponse(data: ["term": .int(Int64(keyring.activeTerm)), "install_time": .string(installed)]))
        case "internal":
            guard segments.count >= 3, segments[1] == "ui", segments[2] == "mounts", operation == .read else {
                throw CofferError.unsupportedPath("sys/" + path)
            }
            return try mountPreflight(segments.dropFirst(3).joined(separator: "/"), context: context)
        case "capabilities-self":
            return try capabilities(context: context)
        case "replication":
            guard let replication = core.replication else {
                throw CofferError.unsupportedPath("sys/" + path)
            }
            let rest = segments.dropFirst().joined(separator: "/")
            return try replication.handle(path: rest, operation: operation, data: context.data)
        case "auth":
            return try AuthEndpoint(core: core, context: context).handle(Array(segments.dropFirst()), operation)
        case "audit":
            return try AuditEndpoint(core: core, context: context).handle(Array(segments.dropFirst()), operation)
        case "audit-hash":
            return try AuditEndpoint(core: core, context: context).hash(Array(segments.dropFirst()), operation)
        case "rekey":
            return try core.handleRekey(segments.dropFirst().joined(separator: "/"), operation, context.fields)
        case "leases", "renew", "revoke", "revoke-prefix", "revoke-force":
            return try LeasesEndpoint(core: core, context: context).handle(segments, operation)
        default:
            throw CofferError.unsupportedPath("sys/" + path)
        }
    }

    /// Vault answers mount and auth listings with the map both at the top level and in `data`.
    func legacyListing(_ map: [String: JSON]) -> VaultResponse {
        var response = core.envelope(LogicalResponse(data: map))
        if case .object(var body) = response.body {
            for (key, value) in map { body[key] = value }
            response.body = .object(body)
        }
        return response
    }

    /// `sys/internal/ui/mounts/<path>`: which engine serves a path, so CLIs know the KV version.
    private func mountPreflight(_ path: String, context: RequestContext) throws(CofferError) -> VaultResponse {
        guard let (mount, remainder) = context.node.mounts.table.route(path) else {
            throw CofferError.permissionDenied
        }
        let candidates =
            [path] + (mount.kvVersion == 2 ? ["data/", "metadata/"].map { mount.path + $0 + remainder } : [])
        guard candidates.contains(where: { !context.acl.capabilities(for: $0).subtracting(.deny).isEmpty }) else {
            throw CofferError(
                status: 403,
                "preflight capability check returned 403, please ensure client's policies grant access to path")
        }
        var data = mount.listing().objectValue ?? [:]
        data["path"] = .string(mount.path)
        return core.envelope(LogicalResponse(data: data))
    }

    private func capabilities(context: RequestContext) throws(CofferError) -> VaultResponse {
        var paths = try context.fields.stringList("paths") ?? []
        if let single = try context.fields.string("path") { paths.append(single) }
        guard !paths.isEmpty else { throw CofferError.badRequest("missing required field \"paths\"") }
        var data: [String: JSON] = [:]
        var all: Set<String> = []
        for path in paths {
            let names = context.acl.capabilityNames(for: path)
            all.formUnion(names)
            data[path] = .strings(names)
        }
        data["capabilities"] = .strings(all.sorted())
        return core.envelope(LogicalResponse(data: data))
    }

    /// OpenBao's authenticated form of root generation (`sys/generate-root-token/attempt|update`,
    /// sudo): the same operation as the unauthenticated `sys/generate-root`, its answer in `data`.
    private func generateRootToken(
        _ rest: [String], _ operation: LogicalOperation, _ context: RequestContext
    ) throws(CofferError) -> VaultResponse {
        guard rest.count == 1, rest[0] == "attempt" || rest[0] == "update" else {
            throw CofferError.unsupportedPath("sys/generate-root-token/" + rest.joined(separator: "/"))
        }
        let method: String
        switch operation {
        case .read: method = "GET"
        case .delete: method = "DELETE"
        case .create, .update: method = "PUT"
        default: throw CofferError.unsupportedOperation
        }
        let request = VaultRequest(
            method: method, path: "sys/generate-root/" + rest[0], body: .object(context.data), token: nil)
        let answer = try core.handleGenerateRoot(request)
        guard let body = answer.body?.objectValue else { return answer }
        return core.envelope(LogicalResponse(data: body))
    }
}
