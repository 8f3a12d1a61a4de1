import CofferBase
import CofferTestSupport
import Foundation
import Testing

/// Bad input over the wire: Vault's error shape and status codes, and nothing changed.
@Suite(.serialized)
struct APIErrorTests {
    let directory: URL
    let port: Int
    let agent: AgentProcess

    init() throws {
        directory = try temporaryDirectory()
        port = freePort()
        let configFile = directory.appendingPathComponent("agent.yaml").path
        let config = """
            node: { name: errors-node, cluster: errors }
            api:
              address: 127.0.0.1:\(port)
              plaintext: true
              maxRequestBytes: 65536
            storage:
              sqlite: { path: \(directory.appendingPathComponent("coffer.db").path) }
            """
        try config.write(toFile: configFile, atomically: true, encoding: .utf8)
        agent = try AgentProcess(arguments: ["agent", "--config", configFile], directory: directory)
        let client = VaultTestClient(baseURL: "http://127.0.0.1:\(port)")
        let up = eventually { (try? client.get("sys/seal-status")) != nil }
        try #require(up, "agent did not start: \(agent.stderr)")
    }

    private var client: VaultTestClient { VaultTestClient(baseURL: "http://127.0.0.1:\(port)") }

    private func expectErrors(
        _ reply: VaultTestClient.Reply, _ status: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(reply.status == status, "\(reply.raw)", sourceLocation: sourceLocation)
        #expect(
            reply.json?["errors"]?.arrayValue != nil, "not Vault's error shape: \(reply.raw)",
            sourceLocation: sourceLocation)
    }

    @Test func badInputIsRefusedWithVaultErrorsAndChangesNothing() throws {
        defer { agent.kill() }
        let initReply = try client.put("sys/init", ["secret_shares": 3, "secret_threshold": 2])
        let keys = try #require(initReply.json?["keys"]?.stringArray)
        let root = try #require(initReply.json?["root_token"]?.stringValue)

        // Unseal: malformed, then a good share, then the same share again: progress stays at 1.
        expectErrors(try client.put("sys/unseal", ["key": "not-a-share"]), 400)
        #expect(try client.get("sys/seal-status").json?["progress"] == 0)
        #expect(try client.put("sys/unseal", ["key": .string(keys[0])]).json?["progress"] == 1)
        expectErrors(try client.put("sys/unseal", ["key": .string(keys[0])]), 400)
        #expect(try client.get("sys/seal-status").json?["progress"] == 1)
        // A well-formed share from another key set does not open the root key and is not counted.
        var forged = Hex.decode(keys[1])!
        forged[0] ^= 0xFF
        expectErrors(try client.put("sys/unseal", ["key": .string(Hex.encode(forged))]), 400)
        #expect(try client.get("sys/seal-status").json?["progress"] == 1)
        #expect(try client.put("sys/unseal", ["key": .string(keys[2])]).json?["sealed"] == false)

        var authed = client
        authed.token = root
        expectErrors(try authed.send("PUT", "sys/mounts/kv", rawBody: Array("{\"type\": ".utf8)), 400)
        expectErrors(try authed.put("sys/mounts/kv", ["type": "kv", "local": ["nested": true]]), 400)
        expectErrors(try authed.put("sys/mounts/kv", [:]), 400)
        #expect(try authed.get("sys/mounts").json?["data"]?["kv/"] == nil)

        expectErrors(try authed.get("no-such-mount/x"), 404)
        expectErrors(try authed.send("PATCH", "sys/seal"), 405)
        expectErrors(try client.get("sys/mounts"), 403)
        var wrong = client
        wrong.token = "hvs.not-a-real-token"
        expectErrors(try wrong.get("sys/mounts"), 403)

        #expect(try authed.put("sys/mounts/kv", ["type": "kv-v2"]).status == 204)
        #expect(try authed.put("kv/data/a", ["data": ["v": "1"]]).status == 200)
        let big = JSON.object(["data": ["v": .string(String(repeating: "x", count: 100_000))]])
        #expect(try authed.put("kv/data/a", big).status == 413)
        #expect(try authed.get("kv/data/a").json?["data"]?["data"]?["v"] == "1")
        expectErrors(try authed.put("kv/data/a", ["data": "not-an-object"]), 400)
        #expect(try authed.get("kv/metadata/a").json?["data"]?["current_version"] == 1)
    }
}
