import CofferBase
import CofferTestSupport
import Foundation
import Testing

/// The whole life of a production node over HTTPS with SQLite, driven against the real binary.
@Suite(.serialized)
struct NodeLifecycleTests {
    let directory: URL
    let pki: TestPKI
    let port: Int
    let configFile: String

    init() throws {
        directory = try temporaryDirectory()
        pki = try TestPKI(directory: directory)
        port = freePort()
        configFile = directory.appendingPathComponent("agent.yaml").path
        let config = """
            node:
              name: it-node
              cluster: it-cluster
            api:
              address: 127.0.0.1:\(port)
              tls:
                certFile: \(pki.certificateFile)
                keyFile: \(pki.keyFile)
            storage:
              sqlite:
                path: \(directory.appendingPathComponent("coffer.db").path)
            log:
              level: info
            """
        try config.write(toFile: configFile, atomically: true, encoding: .utf8)
    }

    private func startAgent() throws -> AgentProcess {
        try AgentProcess(arguments: ["agent", "--config", configFile], directory: directory)
    }

    private var client: VaultTestClient {
        VaultTestClient(baseURL: "https://127.0.0.1:\(port)", tls: pki.clientTLS)
    }

    private func waitUntilListening(_ agent: AgentProcess) throws {
        let up = eventually { (try? client.get("sys/seal-status")) != nil }
        try #require(up, "agent did not start listening: \(agent.stderr)")
    }

    @Test func initUnsealWriteRestartUnsealReadSeal() throws {
        var agent = try startAgent()
        defer { agent.kill() }
        try waitUntilListening(agent)

        var status = try client.get("sys/seal-status")
        #expect(status.json?["initialized"] == false)
        #expect(try client.get("sys/health").status == 501)

        let initReply = try client.put("sys/init", ["secret_shares": 5, "secret_threshold": 3])
        try #require(initReply.status == 200, "init failed: \(initReply.raw)")
        let keys = try #require(initReply.json?["keys"]?.stringArray)
        let keysBase64 = try #require(initReply.json?["keys_base64"]?.stringArray)
        let rootToken = try #require(initReply.json?["root_token"]?.stringValue)
        #expect(keys.count == 5)
        #expect(try client.put("sys/init", ["secret_shares": 1, "secret_threshold": 1]).status == 400)
        #expect(try client.get("sys/health").status == 503)

        try unseal(with: [keys[0], keysBase64[3], keys[4]])
        var authed = client
        authed.token = rootToken
        #expect(try authed.get("sys/health").status == 200)

        #expect(try authed.put("sys/mounts/kv1", ["type": "kv"]).status == 204)
        #expect(try authed.put("sys/mounts/kv2", ["type": "kv", "options": ["version": "2"]]).status == 204)
        #expect(try authed.put("kv1/app", ["password": "v1-secret"]).status == 204)
        let written = try authed.put("kv2/data/app", ["data": ["password": "v2-secret"]])
        #expect(written.json?["data"]?["version"] == 1)

        #expect(agent.terminate() == 0)
        let logs = agent.stderr + agent.stdout
        for secret in [rootToken, "v1-secret", "v2-secret"] + keys + keysBase64 {
            #expect(!logs.contains(secret), "a secret reached the agent's output")
        }

        agent = try startAgent()
        try waitUntilListening(agent)
        status = try client.get("sys/seal-status")
        #expect(status.json?["initialized"] == true)
        #expect(status.json?["sealed"] == true)
        #expect(try authed.get("kv1/app").status == 503)

        try unseal(with: [keys[1], keys[2], keys[3]])
        #expect(try authed.get("kv1/app").json?["data"]?["password"] == "v1-secret")
        #expect(try authed.get("kv2/data/app").json?["data"]?["data"]?["password"] == "v2-secret")

        #expect(try authed.put("sys/seal", [:]).status == 204)
        #expect(try client.get("sys/seal-status").json?["sealed"] == true)
        #expect(try authed.get("kv2/data/app").status == 503)
    }

    private func unseal(with shares: [String]) throws {
        for (position, share) in shares.enumerated() {
            let reply = try client.put("sys/unseal", ["key": .string(share)])
            try #require(reply.status == 200, "unseal failed: \(reply.raw)")
            let done = position == shares.count - 1
            #expect(reply.json?["sealed"] == .bool(!done))
            #expect(reply.json?["progress"] == .int(done ? 0 : Int64(position + 1)))
        }
    }
}
