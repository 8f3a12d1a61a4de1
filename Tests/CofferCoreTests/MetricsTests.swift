import CofferBase
import Testing

@testable import CofferCore

struct MetricsTests {
    @Test func prometheusMetricsCountRequestsAndShowTheNodeState() throws {
        let core = try CoreLifecycleTests.makeCore()
        _ = try core.bootstrapDevelopment(rootTokenID: "root")
        for _ in 0..<3 { _ = core.handle(VaultRequest(method: "GET", path: "sys/mounts", token: "root")) }
        _ = core.handle(VaultRequest(method: "GET", path: "secret/data/missing", token: "root"))

        let reply = core.handle(
            VaultRequest(method: "GET", path: "sys/metrics", query: ["format": "prometheus"], token: "root"))
        #expect(reply.status == 200)
        #expect(reply.contentType?.hasPrefix("text/plain") == true)
        let text = String(decoding: try #require(reply.rawBody), as: UTF8.self)
        let lines = Set(text.split(separator: "\n").map(String.init))
        #expect(lines.contains("coffer_http_requests_total{code=\"2xx\"} 3"))
        #expect(lines.contains("coffer_http_requests_total{code=\"4xx\"} 1"))
        #expect(lines.contains("coffer_http_request_duration_seconds_count 4"))
        #expect(lines.contains("coffer_core_unsealed 1.0"))
        #expect(lines.contains("coffer_core_active 1.0"))
    }

    @Test func metricsNeedATokenAndAKnownFormat() throws {
        let core = try CoreLifecycleTests.makeCore()
        _ = try core.bootstrapDevelopment(rootTokenID: "root")
        #expect(
            core.handle(VaultRequest(method: "GET", path: "sys/metrics", query: ["format": "prometheus"])).status == 403
        )
        #expect(core.handle(VaultRequest(method: "GET", path: "sys/metrics", token: "root")).status == 400)
    }
}
