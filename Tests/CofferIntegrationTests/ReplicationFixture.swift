import CofferBase
import CofferTestSupport
import Foundation
import Testing

/// One production-style node for replication tests: its own SQLite file, plain HTTP on loopback
/// for the API (TLS on the API is covered by NodeLifecycleTests), and the mTLS cluster port. It
/// runs in its own directory, so a relative path (an audit log's) names a file of its own, as on
/// a host of its own.
final class ReplicationNode: @unchecked Sendable {  // Driven by one test at a time.
    let name: String
    let directory: URL
    let apiPort: Int
    let clusterPort: Int
    let configFile: String
    var process: AgentProcess?
    var token: String?

    init(name: String, walMaxRecords: Int = 100_000) throws {
        self.name = name
        directory = try temporaryDirectory()
        apiPort = freePort()
        clusterPort = freePort()
        configFile = directory.appendingPathComponent("agent.yaml").path
        let config = """
            node: { name: \(name), cluster: \(name) }
            api: { address: 127.0.0.1:\(apiPort), plaintext: true }
            cluster: { address: 127.0.0.1:\(clusterPort) }
            storage:
              sqlite: { path: \(directory.appendingPathComponent("coffer.db").path) }
            replication: { walMaxRecords: \(walMaxRecords) }
            log: { level: info }
            """
        try config.write(toFile: configFile, atomically: true, encoding: .utf8)
    }

    var address: String { "http://127.0.0.1:\(apiPort)" }
    var client: VaultTestClient { VaultTestClient(baseURL: address, token: token) }
    var logs: String { (process?.stderr ?? "") + (process?.stdout ?? "") }

    func start() throws {
        process = try AgentProcess(
            arguments: ["agent", "--config", configFile], directory: directory, workingDirectory: directory)
        let up = eventually { (try? client.get("sys/seal-status")) != nil }
        try #require(up, "\(name) did not start: \(process?.stderr ?? "")")
    }

    func kill() {
        process?.kill()
    }

    /// Initializes and unseals; returns the hex shares.
    func initialize(shares: Int, threshold: Int) throws -> [String] {
        let reply = try client.put(
            "sys/init", ["secret_shares": .int(Int64(shares)), "secret_threshold": .int(Int64(threshold))])
        let keys = try #require(reply.json?["keys"]?.stringArray, "\(name) init: \(reply.raw)")
        token = try #require(reply.json?["root_token"]?.stringValue)
        try unseal(keys)
        return keys
    }

    func unseal(_ shares: [String]) throws {
        var sealed = true
        for share in shares where sealed {
            let reply = try client.put("sys/unseal", ["key": .string(share)])
            try #require(reply.status == 200, "\(name) unseal: \(reply.raw)")
            sealed = reply.json?["sealed"]?.boolValue ?? true
        }
        try #require(!sealed, "\(name) is still sealed")
    }

    /// A new root token from unseal shares through `sys/generate-root` and its OTP encoding.
    func generateRoot(_ shares: [String]) throws -> String {
        try client.generateRoot(shares)
    }

    /// The `performance` replication status.
    func replicationStatus() throws -> JSON {
        try #require(try client.get("sys/replication/status").json?["data"]?["performance"])
    }

    func waitForState(_ state: String, timeout: Double = 30) throws -> Bool {
        eventually(timeout: timeout) { (try? replicationStatus())?["state"]?.stringValue == state }
    }

    deinit {
        process?.kill()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A primary and an activated secondary, each initialized with its own keys first.
struct ReplicatedPair {
    let primary: ReplicationNode
    let secondary: ReplicationNode
    let primaryShares: [String]
    let secondaryShares: [String]

    init(walMaxRecords: Int = 100_000) throws {
        primary = try ReplicationNode(name: "dc1", walMaxRecords: walMaxRecords)
        secondary = try ReplicationNode(name: "dc2")
        try primary.start()
        try secondary.start()
        primaryShares = try primary.initialize(shares: 3, threshold: 2)
        secondaryShares = try secondary.initialize(shares: 1, threshold: 1)
        let enable = try primary.client.put("sys/replication/performance/primary/enable", [:])
        try #require(enable.status == 204 || enable.status == 200, "primary enable: \(enable.raw)")
    }

    /// Issues a token on the primary and activates the secondary with it; returns the token.
    @discardableResult
    func activate(id: String = "dc2") throws -> String {
        let issued = try primary.client.put("sys/replication/performance/primary/secondary-token", ["id": .string(id)])
        let token = try #require(issued.json?["wrap_info"]?["token"]?.stringValue, "secondary-token: \(issued.raw)")
        let enabled = try secondary.client.put(
            "sys/replication/performance/secondary/enable", ["token": .string(token)])
        try #require(enabled.status == 200, "secondary enable: \(enabled.raw)")
        try #require(try secondary.waitForState("stream-wals"), "secondary did not reach stream-wals")
        secondary.token = try secondary.generateRoot(primaryShares)
        return token
    }

    /// Waits until both sides report the same Merkle root with the secondary streaming.
    func waitUntilConverged(timeout: Double = 30) -> Bool {
        eventually(timeout: timeout) {
            guard let primaryStatus = try? primary.replicationStatus(),
                let secondaryStatus = try? secondary.replicationStatus()
            else { return false }
            return secondaryStatus["state"] == "stream-wals"
                && primaryStatus["merkle_root"] == secondaryStatus["merkle_root"]
                && primaryStatus["last_wal"] == secondaryStatus["last_remote_wal"]
        }
    }
}

extension VaultTestClient {
    /// A new root token from unseal shares through `sys/generate-root` and its OTP encoding.
    func generateRoot(_ shares: [String]) throws -> String {
        let attempt = try put("sys/generate-root/attempt", [:])
        let otp = try #require(attempt.json?["otp"]?.stringValue, "generate-root: \(attempt.raw)")
        let nonce = try #require(attempt.json?["nonce"]?.stringValue)
        var encoded = ""
        for share in shares where encoded.isEmpty {
            let reply = try put("sys/generate-root/update", ["key": .string(share), "nonce": .string(nonce)])
            try #require(reply.status == 200, "generate-root update: \(reply.raw)")
            encoded = reply.json?["encoded_token"]?.stringValue ?? ""
        }
        let bytes = try #require(Base64.decode(encoded))
        return String(decoding: zip(bytes, Array(otp.utf8)).map { $0 ^ $1 }, as: UTF8.self)
    }
}
