import CofferBase
import CofferCore

extension ReplicationManager {
    /// Vault's status shapes: `path` empty for both families, `performance` or `dr` for one.
    public func status(path: String) throws(CofferError) -> JSON {
        let performance = performanceStatus()
        switch path {
        case "": return ["performance": performance, "dr": ["mode": "disabled"]]
        case "performance": return performance
        case "dr": return ["mode": "disabled"]
        default: throw CofferError.unsupportedPath("sys/replication/\(path)/status")
        }
    }

    /// Replication gauges for `sys/metrics`.
    public var metrics: [(String, String, Double)] {
        let current = state.current
        let modeValue: Double = current.mode == .primary ? 1 : (current.mode == .secondary ? 2 : 0)
        var gauges: [(String, String, Double)] = [
            ("coffer_replication_mode", "0 disabled, 1 primary, 2 secondary.", modeValue)
        ]
        switch current.mode {
        case .primary:
            gauges.append(
                ("coffer_replication_last_wal", "Index of the last WAL record written.", Double(wal?.lastIndex ?? 0)))
            let connected = secondaryStatuses.current.values.filter(\.connected).count
            gauges.append(("coffer_replication_secondaries_connected", "Secondaries connected now.", Double(connected)))
        case .secondary:
            let link = components.current.link?.shared.current
            let applied = applier.lastRemoteIndex
            let primaryIndex = max(link?.primaryIndex ?? 0, applied)
            gauges.append(
                ("coffer_replication_last_remote_wal", "Index of the last WAL record applied.", Double(applied)))
            gauges.append(
                (
                    "coffer_replication_lag_records", "WAL records the primary has that this cluster has not applied.",
                    Double(primaryIndex - applied)
                ))
            gauges.append(
                (
                    "coffer_replication_connected", "1 when the link to the primary is ready.",
                    link?.connectionState == "ready" ? 1 : 0
                ))
        case .disabled:
            break
        }
        return gauges
    }

    private func performanceStatus() -> JSON {
        let current = state.current
        var body: [String: JSON] = [
            "mode": .string(performanceMode), "cluster_id": .string(current.clusterID),
            "merkle_root": .string(current.mode == .disabled ? "" : merkle.rootHex),
            "corrupted_merkle_tree": .bool(merkle.isStale), "last_reindex_epoch": "0",
            "last_corruption_check_epoch": "-62135596800", "ssct_generation_counter": 0,
        ]
        switch current.mode {
        case .disabled:
            return ["mode": "disabled"]
        case .primary:
            let lastIndex = Int64(wal?.lastIndex ?? 0)
            let statuses = secondaryStatuses.current
            body["state"] = current.fencedBy.isEmpty ? "running" : "fenced"
            if !current.fencedBy.isEmpty { body["fenced_by"] = .string(current.fencedBy) }
            body["last_wal"] = .int(lastIndex)
            body["last_performance_wal"] = .int(lastIndex)
            body["primary_cluster_addr"] = .string(current.primaryClusterAddress)
            body["known_secondaries"] = .strings(current.secondaries.filter { !$0.revoked }.map(\.id))
            body["secondaries"] = .array(
                current.secondaries.filter { !$0.revoked }.map { known in
                    (statuses[known.id] ?? SecondaryStatus()).json(id: known.id)
                })
        case .secondary:
            let link = components.current.link?.shared.current
            let connected = link?.connectionState == "ready"
            body["state"] = .string(link?.replicationState ?? "idle")
            body["connection_state"] = .string(link?.connectionState ?? "idle")
            body["secondary_id"] = .string(current.secondaryID)
            body["last_remote_wal"] = .int(Int64(applier.lastRemoteIndex))
            body["primary_cluster_addr"] = .string(current.primaryClusterAddresses.first ?? "")
            body["known_primary_cluster_addrs"] = .strings(current.primaryClusterAddresses)
            body["primaries"] = .array(
                current.primaryClusterAddresses.prefix(1).map { address in
                    [
                        "api_address": .string(current.primaryAPIAddress), "cluster_address": .string(address),
                        "connection_status": .string(connected ? "connected" : "disconnected"),
                        "last_heartbeat": link?.lastHeartbeat.map { .string(Clock.rfc3339($0, fractionalDigits: 0)) }
                            ?? .null,
                        "clock_skew_ms": "0",
                    ]
                })
            if let link, link.replicationState == "merkle-sync" {
                body["merkle_sync_progress"] = [
                    "sync_progress": .int(Int64(link.syncProgress.done)),
                    "sync_total_keys": .int(Int64(link.syncProgress.total)),
                ]
            }
            if let link { body["primary_last_wal"] = .int(Int64(link.primaryIndex)) }
            if let sync = link?.lastMerkleSync {
                body["last_merkle_sync"] = [
                    "time": .string(Clock.rfc3339(sync.at, fractionalDigits: 0)),
                    "fetched_keys": .int(Int64(sync.fetched)),
                    "deleted_keys": .int(Int64(sync.deleted)),
                ]
            }
        }
        return .object(body)
    }
}
