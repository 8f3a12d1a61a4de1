import CofferBase
import CofferTestSupport
import Foundation
import Testing

/// Audit devices across a primary and a secondary cluster: a replicated device is enabled on the
/// primary and logs on both clusters, each into its own file at the same (relative) path, with the
/// same salt; a local device stays with the cluster that enabled it.
@Suite(.serialized)
struct AuditReplicationTests {
    /// The entries of a node's log at `name` (relative to the node's directory).
    private func entries(_ node: ReplicationNode, _ name: String = "audit.log") -> [JSON] {
        let text = (try? String(contentsOf: node.directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSON.parse(Array($0.utf8)) }
    }

    private func logged(_ node: ReplicationNode, _ type: String, _ path: String, in name: String = "audit.log") -> Bool
    {
        entries(node, name).contains { $0["type"]?.stringValue == type && $0["request"]?["path"]?.stringValue == path }
    }

    private func hash(_ node: ReplicationNode, _ input: String, device: String = "file") throws -> String {
        let reply = try node.client.put("sys/audit-hash/\(device)", ["input": .string(input)])
        return try #require(reply.json?["data"]?["hash"]?.stringValue, "audit-hash: \(reply.raw)")
    }

    @Test func aDeviceEnabledOnThePrimaryLogsOnTheSecondaryIntoItsOwnFile() throws {
        let pair = try ReplicatedPair()
        let (primary, secondary) = (pair.primary, pair.secondary)
        try pair.activate()
        let enable = try primary.client.put(
            "sys/audit/file", ["type": "file", "options": ["file_path": "audit.log"]])
        #expect(enable.status == 204, "\(enable.raw)")
        #expect(try primary.client.put("sys/mounts/kv", ["type": "kv"]).status == 204)
        #expect(pair.waitUntilConverged())
        let listed = eventually { (try? secondary.client.get("sys/audit"))?.json?["data"]?["file/"] != nil }
        #expect(listed, "the device reached the secondary: \(secondary.logs)")
        #expect(try secondary.client.get("sys/audit").json?["data"]?["file/"]?["local"] == false)

        // A read served by the secondary alone lands in the secondary's own file, hashed with the
        // salt both clusters share.
        #expect(try secondary.client.get("auth/token/lookup-self").status == 200)
        #expect(logged(secondary, "response", "auth/token/lookup-self"))
        #expect(!logged(primary, "request", "auth/token/lookup-self"))
        let secondaryToken = try #require(secondary.token)
        let entry = try #require(
            entries(secondary).first { $0["request"]?["path"]?.stringValue == "auth/token/lookup-self" })
        #expect(entry["auth"]?["client_token"]?.stringValue == (try hash(secondary, secondaryToken)))
        #expect(try hash(primary, "same input") == (try hash(secondary, "same input")))

        // A write through the secondary is logged there and, forwarded, on the primary.
        let write = try secondary.client.put("kv/app", ["password": "hunter2"])
        #expect(write.status == 204, "\(write.raw)")
        #expect(logged(secondary, "request", "kv/app") && logged(secondary, "response", "kv/app"))
        #expect(logged(primary, "request", "kv/app"))
        for node in [primary, secondary] {
            let text = (try? String(contentsOf: node.directory.appendingPathComponent("audit.log"), encoding: .utf8))
            #expect(text?.contains("hunter2") == false && text?.contains(secondaryToken) == false)
        }

        // A local device enabled on the secondary stays there.
        let local = try secondary.client.put(
            "sys/audit/site", ["type": "file", "local": true, "options": ["file_path": "site.log"]])
        #expect(local.status == 204, "\(local.raw)")
        #expect(try secondary.client.get("sys/audit").json?["data"]?["site/"]?["local"] == true)
        #expect(try primary.client.get("sys/audit").json?["data"]?["site/"] == nil)
        #expect(try secondary.client.get("auth/token/lookup-self").status == 200)
        #expect(logged(secondary, "request", "auth/token/lookup-self", in: "site.log"))
        #expect(!FileManager.default.fileExists(atPath: primary.directory.appendingPathComponent("site.log").path))

        // Disabling the replicated device on the primary removes it from the secondary too.
        #expect(try primary.client.send("DELETE", "sys/audit/file").status == 204)
        let gone = eventually { (try? secondary.client.get("sys/audit"))?.json?["data"]?["file/"] == nil }
        #expect(gone, "the device left the secondary: \(secondary.logs)")
        #expect(try secondary.client.get("sys/audit").json?["data"]?["site/"] != nil)
    }
}
