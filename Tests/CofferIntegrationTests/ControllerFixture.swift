import CofferBase
import CofferClient
import CofferTestSupport
import Foundation
import Testing

/// Real agents on loopback (TLS API with the controller CA, SQLite shared per cluster, HA on) and
/// a manifest for them, for tests that run the real `coffer` controller commands.
final class ControllerFixture: @unchecked Sendable {  // Driven by one test at a time.
    struct ClusterLayout {
        var name: String
        var primary: String?
        var nodes: Int
    }

    final class Node: @unchecked Sendable {
        let name: String
        let cluster: String
        let port = freePortWithFreeSuccessor()
        var configFile = ""
        var process: AgentProcess?

        init(name: String, cluster: String) {
            self.name = name
            self.cluster = cluster
        }

        var url: String { "https://127.0.0.1:\(port)" }
    }

    let directory: TemporaryDirectory
    let pki: CofferTestSupport.TestPKI
    private(set) var layout: [ClusterLayout]
    private(set) var nodes: [Node] = []
    let manifestPath: String

    init(_ layout: [ClusterLayout]) throws {
        directory = try TemporaryDirectory()
        pki = try CofferTestSupport.TestPKI.shared()
        self.layout = layout
        manifestPath = directory.path("topology.yaml")
        _ = try directory.write("ca.pem", pki.caPEM)
        _ = try directory.write("server.pem", pki.serverCertificatePEM)
        _ = try directory.write("server-key.pem", pki.serverKeyPEM)
        _ = try directory.write("controller.pem", pki.clientCertificatePEM)
        _ = try directory.write("controller-key.pem", pki.clientKeyPEM)
        for cluster in layout {
            for index in 1...cluster.nodes {
                let node = Node(name: "\(cluster.name)-\(index)", cluster: cluster.name)
                node.configFile = try directory.write("\(node.name).yaml", agentConfiguration(node))
                nodes.append(node)
            }
        }
        try writeManifest(layout)
    }

    private func agentConfiguration(_ node: Node) -> String {
        """
        node: { name: \(node.name), cluster: \(node.cluster) }
        api:
          address: 127.0.0.1:\(node.port)
          advertise: \(node.url)
          tls: { certFile: \(directory.path("server.pem")), keyFile: \(directory.path("server-key.pem")) }
        storage: { sqlite: { path: \(directory.path("\(node.cluster).db")) } }
        ha: { lockTTLMilliseconds: 1500, pollMilliseconds: 100 }
        controller: { caFile: \(directory.path("ca.pem")) }
        replication: { primaryCAFile: \(directory.path("ca.pem")) }
        log: { level: info }
        """
    }

    /// Writes the manifest for `layout` (a subset of the fixture's clusters).
    func writeManifest(_ layout: [ClusterLayout]) throws {
        var text = """
            apiVersion: coffer/v1
            kind: Topology
            metadata: { name: test }
            spec:
              reconcile: { interval: 1s, backoff: { initial: 1s, max: 2s }, stateDir: \(directory.path("state")) }
              trust:
                caFile: \(directory.path("ca.pem"))
                certFile: \(directory.path("controller.pem"))
                keyFile: \(directory.path("controller-key.pem"))
              unseal: { shares: 3, threshold: 2, custody: { type: file, path: \(custodyPath) } }
              clusters:

            """
        for cluster in layout {
            text += "    - name: \(cluster.name)\n"
            text += "      role: \(cluster.primary == nil ? "primary" : "secondary")\n"
            if let primary = cluster.primary { text += "      primary: \(primary)\n" }
            text += "      nodes:\n"
            for (index, node) in nodes.filter({ $0.cluster == cluster.name }).enumerated() {
                text += "        - { name: \(node.name), agent: \(node.url)\(index == 0 ? ", bootstrap: true" : "") }\n"
            }
        }
        try text.write(toFile: manifestPath, atomically: true, encoding: .utf8)
    }

    var custodyPath: String { directory.path("custody") }

    func node(_ name: String) -> Node { nodes.first { $0.name == name }! }

    func start(_ name: String) throws {
        let node = node(name)
        node.process = try AgentProcess(arguments: ["agent", "--config", node.configFile], directory: directory.url)
        try #require(
            eventually { (try? client(name).get("sys/seal-status")) != nil },
            "\(name) did not start: \(node.process?.stderr ?? "")")
    }

    func startAll() throws {
        for node in nodes { try start(node.name) }
    }

    func kill(_ name: String) { node(name).process?.kill() }

    func stopAll() {
        for node in nodes { node.process?.terminate() }
    }

    /// Kills every node of `cluster` and deletes its storage, as a rebuilt host would come back.
    func wipe(_ cluster: String) throws {
        for node in nodes where node.cluster == cluster { node.process?.kill() }
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: directory.path("\(cluster).db\(suffix)"))
        }
    }

    var tls: ClientTLS { ClientTLS(caPEM: pki.caPEM) }

    func client(_ name: String, token: String? = nil) -> VaultTestClient {
        VaultTestClient(baseURL: node(name).url, tls: tls, token: token)
    }

    /// Runs `coffer <arguments>` to completion.
    @discardableResult
    func coffer(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
        let process = Process()
        process.executableURL = AgentProcess.executable
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        let output = directory.path("out-\(UUID().uuidString)")
        let errors = directory.path("err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        _ = FileManager.default.createFile(atPath: errors, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        try process.run()
        process.waitUntilExit()
        return CommandResult(
            status: process.terminationStatus, stdout: (try? String(contentsOfFile: output, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errors, encoding: .utf8)) ?? "")
    }

    /// `coffer <command> -f manifest <more>`.
    @discardableResult
    func controller(
        _ command: String, _ more: [String] = [], environment: [String: String] = [:]
    ) throws
        -> CommandResult
    {
        try coffer(
            command.split(separator: " ").map(String.init) + ["-f", manifestPath] + more, environment: environment)
    }

    /// A short-lived root token for `cluster`, made by `coffer token` from custody.
    func rootToken(_ cluster: String) throws -> String {
        let result = try controller("token", ["--cluster", cluster, "--ttl", "10m"])
        try #require(result.status == 0, "coffer token: \(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The nodes' state as `coffer status -o json` reports it, by node name.
    func status() throws -> [String: JSON] {
        let result = try controller("status", ["-o", "json"])
        let document = try JSON.parse(Array(result.stdout.utf8))
        var rows: [String: JSON] = [:]
        for row in document["nodes"]?.arrayValue ?? [] {
            if let name = row["node"]?.stringValue { rows[name] = row }
        }
        return rows
    }

    /// The active node of `cluster`, as its members report it.
    func activeNode(_ cluster: String) throws -> String? {
        try status().first { $0.value["cluster"]?.stringValue == cluster && $0.value["ha"]?.stringValue == "active" }?
            .key
    }

    var logs: String { nodes.map { "--- \($0.name)\n" + ($0.process?.stderr ?? "") }.joined(separator: "\n") }
}

struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String

    var all: String { stdout + stderr }
}
