import CofferBase
import CofferCore

extension AgentHTTPHandler {
    /// The `/agent/v1/state` document: what a controller observes before it plans. Nothing in it is
    /// secret; the unseal nonce names an attempt, the key set id names a set of shares.
    func state() throws(CofferError) -> JSON {
        let seal = try core.sealStatus()
        var members = identity.members
        members["initialized"] = .bool(seal.initialized)
        members["sealed"] = .bool(seal.sealed)
        members["unseal"] = [
            "progress": .int(Int64(seal.progress)), "threshold": .int(Int64(seal.threshold)),
            "shares": .int(Int64(seal.shares)), "nonce": .string(seal.nonce),
        ]
        members["key_set_id"] = seal.keySetID.map(JSON.string) ?? .null
        members["seal_warning"] = seal.warning.map(JSON.string) ?? .null
        members["sealed_by_operator_at"] =
            core.operatorSealedAt.map { .string(Clock.rfc3339($0, fractionalDigits: 0)) } ?? .null
        var keysCurrent: Bool?
        var userData: Bool?
        if !seal.sealed {
            keysCurrent = try? core.keysMatchStorage()
            userData = try? core.holdsUserData()
            // Sealed meanwhile: a `false` from a node without keys would read as a key change.
            if core.isSealed { (keysCurrent, userData) = (nil, nil) }
        }
        members["keys_current"] = keysCurrent.map(JSON.bool) ?? .null
        members["user_data"] = userData.map(JSON.bool) ?? .null
        members["ha"] = haState(sealed: seal.sealed)
        members["replication"] = (try? core.replicationStatusData(variant: "performance")) ?? .null
        return .object(members)
    }

    /// This node's HA role; without HA an unsealed node is active and leads itself.
    private func haState(sealed: Bool) -> JSON {
        let enabled = core.isHAEnabled
        let role: String
        var leader: String?
        if sealed || core.isSealed {
            role = "sealed"
        } else if !enabled {
            role = "active"
            leader = identity.apiAddress
        } else {
            role = core.isStandby ? "standby" : "active"
            leader = core.leader?.apiAddress
        }
        return [
            "enabled": .bool(enabled), "role": .string(role),
            "leader": leader.flatMap { $0.isEmpty ? nil : JSON.string($0) } ?? .null,
        ]
    }
}
