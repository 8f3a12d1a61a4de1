import CofferBase
import Synchronization

/// Request counts and latencies for `sys/metrics`, kept in fixed atomic cells so that recording
/// a request takes no lock on the hot path.
final class RequestMetrics: Sendable {
    /// Upper bounds of the latency histogram, in seconds.
    static let bounds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

    /// One counter; `Atomic` cannot live in an array, so each sits in a box of its own.
    private final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    private let classes = (0..<6).map { _ in Counter() }
    private let buckets = (0...bounds.count).map { _ in Counter() }
    private let totalNanoseconds = Atomic<Int>(0)

    /// Records one request's status and duration.
    func record(status: Int, nanoseconds: UInt64) {
        classes[min(max(status / 100, 0), 5)].value.add(1, ordering: .relaxed)
        let seconds = Double(nanoseconds) / 1e9
        let bucket = Self.bounds.firstIndex { seconds <= $0 } ?? Self.bounds.count
        buckets[bucket].value.add(1, ordering: .relaxed)
        totalNanoseconds.add(Int(nanoseconds), ordering: .relaxed)
    }

    /// The Prometheus text lines of the request metrics.
    func prometheusLines() -> [String] {
        var lines = [
            "# HELP coffer_http_requests_total API requests served, by status class.",
            "# TYPE coffer_http_requests_total counter",
        ]
        for statusClass in 1...5 {
            let count = classes[statusClass].value.load(ordering: .relaxed)
            lines.append("coffer_http_requests_total{code=\"\(statusClass)xx\"} \(count)")
        }
        lines += [
            "# HELP coffer_http_request_duration_seconds Time the core took to serve an API request.",
            "# TYPE coffer_http_request_duration_seconds histogram",
        ]
        var cumulative = 0
        for (index, bound) in Self.bounds.enumerated() {
            cumulative += buckets[index].value.load(ordering: .relaxed)
            lines.append("coffer_http_request_duration_seconds_bucket{le=\"\(bound)\"} \(cumulative)")
        }
        cumulative += buckets[Self.bounds.count].value.load(ordering: .relaxed)
        lines.append("coffer_http_request_duration_seconds_bucket{le=\"+Inf\"} \(cumulative)")
        lines.append(
            "coffer_http_request_duration_seconds_sum \(Double(totalNanoseconds.load(ordering: .relaxed)) / 1e9)")
        lines.append("coffer_http_request_duration_seconds_count \(cumulative)")
        return lines
    }
}
