import CofferBase
import CofferCore
import CofferHTTP
import CofferReplication
import CofferStorage
import Glibc
import Synchronization

// Replication lag and bootstrap time, with a primary and a secondary in one process over the real
// cluster port (mTLS on loopback) and durable SQLite on both sides:
//   swift run -c release coffer-replication-bench [writes-per-second] [seconds] [bootstrap-secrets]
// Lag runs from the moment a write is acknowledged on the primary to the moment the secondary has
// applied the WAL record that holds it; a record applied before the acknowledgement counts as 0.

/// One node: core, replication and its API listener (the secondary unwraps over HTTP).
struct BenchNode: Sendable {
    let core: Core
    let replication: ReplicationManager
    let server: HTTPServer
    let token: String

    init(_ name: String, directory: String, apiPort: Int, clusterPort: Int, logger: Logger) throws {
        let storage = try SQLiteStorage(path: "\(directory)/\(name).db")
        core = try Core(
            configuration: CoreConfiguration(storageType: "sqlite", apiAddress: "http://127.0.0.1:\(apiPort)"),
            storage: storage, logger: logger)
        replication = try ReplicationManager(
            core: core, storage: storage,
            clusterPort: ClusterPort(host: "127.0.0.1", port: clusterPort, logger: logger),
            configuration: ReplicationConfiguration(
                listenHost: "127.0.0.1", listenPort: clusterPort,
                advertiseAddress: "https://127.0.0.1:\(clusterPort)", apiAddress: "http://127.0.0.1:\(apiPort)"),
            logger: logger)
        server = try HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: apiPort),
            handler: VaultHTTPHandler(core: core, logger: logger), logger: logger)
        try server.start()
        token = try core.bootstrapDevelopment(rootTokenID: "bench-\(name)").rootToken
    }

    func call(_ method: String, _ path: String, _ body: JSON? = nil) -> VaultResponse {
        core.handle(VaultRequest(method: method, path: path, body: body, token: token))
    }
}

/// What one filling thread writes.
final class FillJob: Sendable {
    let node: BenchNode
    let offset: Int
    let count: Int

    init(node: BenchNode, offset: Int, count: Int) {
        self.node = node
        self.offset = offset
        self.count = count
    }
}

/// Acknowledgement and application times; whichever comes second records the sample.
struct Marks {
    var acknowledged: [String: UInt64] = [:]
    var applied: [String: UInt64] = [:]
    var lags: [Double] = []
}

func rounded(_ value: Double, _ places: Int) -> Double {
    var factor = 1.0
    for _ in 0..<places { factor *= 10 }
    return (value * factor).rounded() / factor
}

func fill(_ node: BenchNode, secrets: Int, writers: Int) {
    var threads: [pthread_t] = []
    for writer in 0..<writers {
        var thread = pthread_t()
        let job = Unmanaged.passRetained(FillJob(node: node, offset: writer, count: secrets / writers)).toOpaque()
        pthread_create(
            &thread, nil,
            { argument in
                let job = Unmanaged<FillJob>.fromOpaque(argument!).takeRetainedValue()
                for index in 0..<job.count {
                    let reply = job.node.call("PUT", "secret/data/fill/\(job.offset)/\(index)", ["data": ["v": "seed"]])
                    if reply.status != 200 { print("fill write failed: \(reply.status)") }
                }
                return nil
            }, job)
        threads.append(thread)
    }
    for thread in threads { pthread_join(thread, nil) }
}

func measureLag(primary: BenchNode, secondary: BenchNode, rate: Int, seconds: Int) -> [Double] {
    let marks = Mutex(Marks())
    secondary.replication.addAppliedObserver { _, keys in
        let now = Clock.monotonicNanoseconds()
        for key in keys {
            let parts = key.split(separator: "/")
            guard parts.count >= 3, parts[parts.count - 3] == "metadata", parts[parts.count - 2] == "lag" else {
                continue
            }
            let name = String(parts[parts.count - 1])
            marks.withLock { marks in
                if let sentAt = marks.acknowledged.removeValue(forKey: name) {
                    marks.lags.append(Double(now > sentAt ? now - sentAt : 0) / 1e6)
                } else {
                    marks.applied[name] = now
                }
            }
        }
    }
    let interval = 1_000_000_000 / UInt64(rate)
    let start = Clock.monotonicNanoseconds()
    for index in 0..<(rate * seconds) {
        let due = start + UInt64(index) * interval
        while Clock.monotonicNanoseconds() < due { usleep(50) }
        _ = primary.call("PUT", "secret/data/lag/\(index)", ["data": ["v": "x"]])
        let now = Clock.monotonicNanoseconds()
        marks.withLock { marks in
            if marks.applied.removeValue(forKey: "\(index)") != nil {
                marks.lags.append(0)
            } else {
                marks.acknowledged["\(index)"] = now
            }
        }
    }
    let elapsed = Double(Clock.monotonicNanoseconds() - start) / 1e9
    usleep(500_000)
    print("achieved \(rounded(Double(rate * seconds) / elapsed, 0)) writes/s")
    return marks.withLock { $0.lags }.sorted()
}

nonisolated func runBenchmark() throws {
    let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
    let rate = arguments.first ?? 1000
    let seconds = arguments.dropFirst().first ?? 10
    let secrets = arguments.dropFirst(2).first ?? 100_000
    let directory = "/tmp/coffer-replication-bench-\(getpid())"
    mkdir(directory, 0o700)
    defer { _ = system("rm -rf \(directory)") }
    let logger = Logger(label: "bench", level: .error)

    let primary = try BenchNode("primary", directory: directory, apiPort: 18_710, clusterPort: 18_711, logger: logger)
    let secondary = try BenchNode(
        "secondary", directory: directory, apiPort: 18_720, clusterPort: 18_721, logger: logger)
    let enabledPrimary = primary.call("POST", "sys/replication/primary/enable", [:])
    guard enabledPrimary.status < 300 else {
        print("primary enable failed: \(enabledPrimary.status) \(enabledPrimary.body?.serializedString() ?? "")")
        return
    }

    let fillStart = Clock.monotonicNanoseconds()
    fill(primary, secrets: secrets, writers: 8)
    print("filled \(secrets) secrets in \(rounded(Double(Clock.monotonicNanoseconds() - fillStart) / 1e9, 1)) s")

    let issued = primary.call("POST", "sys/replication/primary/secondary-token", ["id": "bench-secondary"])
    guard let activation = issued.body?["wrap_info"]?["token"]?.stringValue else {
        print("no activation token: \(issued.status)")
        return
    }
    let bootstrapStart = Clock.monotonicNanoseconds()
    let enabled = secondary.call("POST", "sys/replication/secondary/enable", ["token": .string(activation)])
    guard enabled.status == 200 else {
        print("secondary enable failed: \(enabled.status) \(enabled.body?.serializedString() ?? "")")
        return
    }
    while (try? secondary.replication.status(path: "performance"))?["state"] != "stream-wals" { usleep(10_000) }
    let bootstrap = Double(Clock.monotonicNanoseconds() - bootstrapStart) / 1e9
    print("bootstrap of \(secrets) secrets: \(rounded(bootstrap, 2)) s (enable answered \(enabled.status))")

    let lags = measureLag(primary: primary, secondary: secondary, rate: rate, seconds: seconds)
    func percentile(_ fraction: Double) -> Double {
        lags.isEmpty ? .nan : lags[min(lags.count - 1, Int(Double(lags.count) * fraction))]
    }
    print(
        "lag at \(rate) writes/s for \(seconds) s, \(lags.count) samples: p50 \(rounded(percentile(0.5), 2)) ms, "
            + "p99 \(rounded(percentile(0.99), 2)) ms, max \(rounded(lags.last ?? .nan, 2)) ms")
    primary.server.stop()
    secondary.server.stop()
    primary.replication.suspend()
    secondary.replication.suspend()
}

try runBenchmark()
