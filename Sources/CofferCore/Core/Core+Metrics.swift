import CofferBase

extension Core {
    /// `sys/metrics?format=prometheus`: request counts and latencies, seal and HA state, and the
    /// replication gauges, in the Prometheus text format so a scraper needs no exporter.
    func metricsResponse(format: String?) throws(CofferError) -> VaultResponse {
        guard format == "prometheus" else {
            throw CofferError.badRequest("only format=prometheus is supported")
        }
        var lines = requestMetrics.prometheusLines()
        func gauge(_ name: String, _ help: String, _ value: Double, labels: String = "") {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) gauge")
            lines.append("\(name)\(labels) \(value)")
        }
        gauge("coffer_core_unsealed", "1 when the node is unsealed.", isSealed ? 0 : 1)
        gauge("coffer_core_active", "1 when the node serves requests itself (active, or HA off).", isServing ? 1 : 0)
        gauge("coffer_core_standby", "1 when the node is an HA standby.", isStandby ? 1 : 0)
        if let replication {
            for (name, help, value) in replication.metrics {
                gauge(name, help, value)
            }
        }
        var body = Array(lines.joined(separator: "\n").utf8)
        body.append(0x0A)
        return VaultResponse(status: 200, rawBody: body, contentType: "text/plain; version=0.0.4")
    }
}
