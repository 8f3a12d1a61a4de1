import CofferTestSupport
import Foundation
import Testing

/// Leases and rekey driven by the real OpenBao CLI against a dev node.
@Suite(.serialized)
struct BaoLeaseAndRekeyTests {
    let node: BaoDevNode
    var directory: URL { node.directory }
    var agent: AgentProcess { node.agent }
    var cli: BaoCLI { node.cli }

    init() throws {
        node = try BaoDevNode()
    }

    private func json(_ output: String) throws -> [String: Any] {
        let start = try #require(output.firstIndex(of: "{"), "no JSON in: \(output)")
        let object = try JSONSerialization.jsonObject(with: Data(output[start...].utf8))
        return try #require(object as? [String: Any])
    }

    private func leaseKeys(_ prefix: String) throws -> [String] {
        let (code, out) = try cli.run(["list", "-format=json", "sys/leases/lookup/" + prefix])
        guard code == 0 else { return [] }
        let start = try #require(out.firstIndex(of: "["), "no list in: \(out)")
        return try #require(JSONSerialization.jsonObject(with: Data(out[start...].utf8)) as? [String])
    }

    @Test func operatorRekeyReplacesTheUnsealKey() throws {
        defer { agent.kill() }
        let banner = agent.stdout
        let line = try #require(banner.split(separator: "\n").first { $0.contains("Unseal Key:") })
        let oldKey = String(line.split(separator: " ").last ?? "")
        var (code, out) = try cli.run(["kv", "put", "secret/app", "password=hunter2"])
        #expect(code == 0, "bao kv put: \(out)")

        (code, out) = try cli.run(["operator", "rekey", "-init", "-key-shares=3", "-key-threshold=2", "-format=json"])
        try #require(code == 0, "bao operator rekey -init: \(out)")
        let nonce = try #require(try json(out)["nonce"] as? String)
        (code, out) = try cli.run(["operator", "rekey", "-status", "-format=json"])
        #expect(code == 0, "bao operator rekey -status: \(out)")
        #expect(try json(out)["started"] as? Bool == true)
        (code, out) = try cli.run(["operator", "rekey", "-nonce=\(nonce)", "-format=json", oldKey])
        try #require(code == 0, "bao operator rekey: \(out)")
        let newKeys = try #require(try json(out)["keys_base64"] as? [String])
        #expect(newKeys.count == 3)

        (code, out) = try cli.run(["operator", "seal"])
        #expect(code == 0, "bao operator seal: \(out)")
        (code, out) = try cli.run(["operator", "unseal", oldKey])
        #expect(code != 0, "the old key still unseals: \(out)")
        for key in newKeys.prefix(2) {
            (code, out) = try cli.run(["operator", "unseal", key])
            #expect(code == 0, "bao operator unseal: \(out)")
        }
        (code, out) = try cli.run(["status", "-format=json"])
        let status = try json(out)
        #expect(status["sealed"] as? Bool == false && status["t"] as? Int == 2 && status["n"] as? Int == 3)
        (code, out) = try cli.run(["kv", "get", "-field=password", "secret/app"])
        #expect(code == 0 && out.trimmed == "hunter2", "data after rekey: \(out)")
        #expect(!agent.stderr.contains(newKeys[0]) && !agent.stdout.contains(newKeys[0]), "a new share was logged")
    }

    @Test func leasesAreListedLookedUpRevokedByPrefixAndExpire() throws {
        defer { agent.kill() }
        var created: [String] = []
        for _ in 0..<2 {
            let (code, out) = try cli.run(["token", "create", "-ttl=1h", "-field=token"])
            try #require(code == 0, "bao token create: \(out)")
            created.append(out.trimmed)
        }
        var (code, out) = try cli.run(["write", "-field=token", "auth/token/create-orphan", "ttl=1h"])
        let orphan = out.trimmed
        #expect(code == 0, "bao write auth/token/create-orphan: \(out)")
        let hashes = try leaseKeys("auth/token/create")
        #expect(hashes.count == 2)
        let leaseID = "auth/token/create/" + (hashes.first ?? "")
        (code, out) = try cli.run(["lease", "lookup", "-format=json", leaseID])
        #expect(code == 0 && out.contains("\"ttl\"") && out.contains(leaseID), "bao lease lookup: \(out)")
        (code, out) = try cli.run(["lease", "renew", leaseID])
        #expect(code != 0 && out.contains("tokens cannot be renewed through this endpoint"), "bao lease renew: \(out)")

        (code, out) = try cli.run(["lease", "revoke", "-prefix", "auth/token/create"])
        #expect(code == 0, "bao lease revoke -prefix: \(out)")
        for token in created {
            (code, out) = try cli.run(["token", "lookup", token])
            #expect(code != 0, "a token created through auth/token/create survived: \(out)")
        }
        (code, out) = try cli.run(["token", "lookup", orphan])
        #expect(code == 0, "the orphan, created through another path, was revoked: \(out)")

        (code, out) = try cli.run(["token", "create", "-ttl=2s", "-field=token"])
        let shortLived = out.trimmed
        #expect(code == 0, "bao token create -ttl=2s: \(out)")
        #expect(try leaseKeys("auth/token/create").count == 1)
        // Nothing uses the token: only the expiration manager can take its lease away.
        #expect(try eventually { try leaseKeys("auth/token/create").isEmpty }, "the short-lived lease stayed")
        (code, out) = try cli.run(["token", "lookup", shortLived])
        #expect(code != 0, "an expired token still looks up: \(out)")
    }
}
