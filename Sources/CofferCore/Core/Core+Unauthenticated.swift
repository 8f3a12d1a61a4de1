import CofferBase
import CofferCrypto

extension Core {
    /// Serves the system paths that need no token and work while sealed; `nil` for any other path.
    func handleUnauthenticated(_ request: VaultRequest) throws(CofferError) -> VaultResponse? {
        switch request.path {
        case "sys/init": return try handleInit(request)
        case "sys/seal-status":
            guard request.method == "GET" || request.method == "HEAD" else { throw CofferError.unsupportedOperation }
            return VaultResponse(status: 200, body: try sealStatus().json())
        case "sys/unseal": return try handleUnseal(request)
        case "sys/generate-root/attempt", "sys/generate-root/update": return try handleGenerateRoot(request)
        case "sys/replication/status", "sys/replication/performance/status", "sys/replication/dr/status":
            guard request.method == "GET" || request.method == "HEAD" else { throw CofferError.unsupportedOperation }
            return VaultResponse(status: 200, body: try replicationStatus(request.path))
        case "sys/health": return try handleHealth(request)
        case "sys/leader":
            guard request.method == "GET" || request.method == "HEAD" else { throw CofferError.unsupportedOperation }
            return VaultResponse(status: 200, body: leaderStatus())
        default: return nil
        }
    }

    private func bodyFields(_ request: VaultRequest) throws(CofferError) -> Fields {
        guard let body = request.body else { return Fields([:]) }
        guard let members = body.objectValue else {
            throw CofferError.badRequest("the request body must be a JSON object")
        }
        return Fields(members)
    }

    private func handleInit(_ request: VaultRequest) throws(CofferError) -> VaultResponse {
        switch request.method {
        case "GET", "HEAD":
            return VaultResponse(status: 200, body: ["initialized": .bool(isInitialized)])
        case "PUT", "POST":
            let fields = try bodyFields(request)
            if let keys = try fields.stringList("pgp_keys"), !keys.isEmpty {
                throw CofferError.badRequest("pgp_keys are not supported by this server")
            }
            if let key = try fields.string("root_token_pgp_key"), !key.isEmpty {
                throw CofferError.badRequest("root_token_pgp_key is not supported by this server")
            }
            guard let shares = try fields.int("secret_shares"), let threshold = try fields.int("secret_threshold")
            else {
                throw CofferError.badRequest("secret_shares and secret_threshold are required")
            }
            let seal = try SealConfiguration(secretShares: Int(shares), secretThreshold: Int(threshold))
            let result = try initialize(seal)
            return VaultResponse(
                status: 200,
                body: [
                    "keys": .strings(result.shares.map { Hex.encode($0) }),
                    "keys_base64": .strings(result.shares.map { Base64.encode($0) }),
                    "root_token": .string(result.rootToken),
                ])
        default:
            throw CofferError.unsupportedOperation
        }
    }

    private func handleUnseal(_ request: VaultRequest) throws(CofferError) -> VaultResponse {
        guard request.method == "PUT" || request.method == "POST" else { throw CofferError.unsupportedOperation }
        let fields = try bodyFields(request)
        if try fields.bool("migrate") == true { throw CofferError.badRequest("seal migration is not supported") }
        let status = try unseal(share: try fields.string("key"), reset: try fields.bool("reset") ?? false)
        return VaultResponse(status: 200, body: status.json())
    }

    private func handleHealth(_ request: VaultRequest) throws(CofferError) -> VaultResponse {
        guard request.method == "GET" || request.method == "HEAD" else { throw CofferError.unsupportedOperation }
        func code(_ name: String, _ fallback: Int) throws(CofferError) -> Int {
            guard let text = request.query[name] else { return fallback }
            guard let value = Int(text), (100...599).contains(value) else {
                throw CofferError.badRequest("invalid value for \"\(name)\"")
            }
            return value
        }
        if let standbyOK = request.query["standbyok"], Bool(standbyOK) == nil, standbyOK != "" {
            throw CofferError.badRequest("invalid value for \"standbyok\"")
        }
        var body: [String: JSON] = [
            "initialized": .bool(isInitialized), "sealed": .bool(isSealed), "standby": false,
            "performance_standby": false,
            "replication_performance_mode": .string(replication?.performanceMode ?? "disabled"),
            "replication_dr_mode": "disabled", "server_time_utc": .int(Clock.now().seconds),
            "version": .string(CofferVersion.string),
        ]
        let status: Int
        switch currentState {
        case .uninitialized:
            status = try code("uninitcode", 501)
        case .sealed:
            status = try code("sealedcode", 503)
        case .unsealed(let node):
            body["cluster_name"] = .string(node.clusterName)
            body["cluster_id"] = .string(node.clusterID)
            if isStandby {
                body["standby"] = true
                let standbyOK = request.query["standbyok"].map { $0 == "" || $0 == "true" || $0 == "1" } ?? false
                status = standbyOK ? try code("activecode", 200) : try code("standbycode", 429)
            } else {
                status = try code("activecode", 200)
            }
        }
        _ = try code("standbycode", 429)
        _ = try code("drsecondarycode", 472)
        _ = try code("performancestandbycode", 473)
        return VaultResponse(status: status, body: request.method == "HEAD" ? nil : .object(body))
    }

    /// The replication status body; a node without the replication layer reports `disabled`.
    private func replicationStatus(_ path: String) throws(CofferError) -> JSON {
        let rest = String(path.dropFirst("sys/replication/".count))
        let variant = rest == "status" ? "" : String(rest.dropLast("/status".count))
        return [
            "request_id": .string(RequestID.next()), "lease_id": "", "renewable": false, "lease_duration": 0,
            "data": try replicationStatusData(variant: variant), "wrap_info": .null, "warnings": .null, "auth": .null,
        ]
    }

    /// The `data` of `sys/replication/status` (`variant` empty), or of its `performance` or `dr` form.
    public func replicationStatusData(variant: String = "") throws(CofferError) -> JSON {
        if let replication { return try replication.status(path: variant) }
        if variant.isEmpty { return ["dr": ["mode": "disabled"], "performance": ["mode": "disabled"]] }
        return ["mode": "disabled"]
    }

    /// The `sys/leader` body: this node when HA is off; the advertised active node when it is on.
    func leaderStatus() -> JSON {
        var body: [String: JSON] = [
            "ha_enabled": .bool(isHAEnabled), "is_self": false, "active_time": "0001-01-01T00:00:00Z",
            "leader_address": "", "leader_cluster_address": "", "performance_standby": false,
            "performance_standby_last_remote_wal": 0,
        ]
        guard case .unsealed(let node) = currentState else { return .object(body) }
        if !isHAEnabled {
            body["is_self"] = true
            body["active_time"] = .string(Clock.rfc3339(node.activeSince))
            body["leader_address"] = .string(configuration.apiAddress)
        } else if let leader {
            body["is_self"] = .bool(!isStandby)
            body["active_time"] = .string(Clock.rfc3339(leader.activeSince))
            body["leader_address"] = .string(leader.apiAddress)
            body["leader_cluster_address"] = .string(leader.clusterAddress)
        }
        return .object(body)
    }
}
