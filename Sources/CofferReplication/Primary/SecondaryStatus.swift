import CofferBase

/// What a primary knows about one secondary's connection, for `sys/replication/status`.
struct SecondaryStatus: Sendable {
    var connected: Bool = false
    var lastHeartbeat: Timestamp?
    var ackedIndex: UInt64 = 0
    var clockSkewMilliseconds: Int64 = 0
    var state: String = "idle"

    func json(id: String) -> JSON {
        [
            "node_id": .string(id), "connection_status": .string(connected ? "connected" : "disconnected"),
            "last_heartbeat": lastHeartbeat.map { .string(Clock.rfc3339($0, fractionalDigits: 0)) } ?? .null,
            "clock_skew_ms": .string(String(clockSkewMilliseconds)), "last_acked_wal": .int(Int64(ackedIndex)),
            "state": .string(state), "api_address": "", "cluster_address": "",
        ]
    }
}
