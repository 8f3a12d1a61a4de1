import CofferBase
import CofferTestSupport
import Foundation
import Testing

/// Three agents over one SQLite file: one active node, two standbys (DESIGN.md §5).
@Suite(.serialized)
struct HATests {
    final class Member: @unchecked Sendable {  // Driven by one test at a time.
        let name: String
        let port = freePort()
        let clusterPort = freePort()
        let configFile: String
        let directory: URL
        var process: AgentProcess?

        init(name: String, directory: URL, storage: String) throws {
            self.name = name
            self.directory = directory
            configFile = directory.appendingPathComponent("\(name).yaml").path
            let config = """
                node: { name: \(name), cluster: ha }
                api: { address: 127.0.0.1:\(port), plaintext: true }
                cluster: { address: 127.0.0.1:\(clusterPort) }
                storage: \(storage)
                ha: { lockTTLMilliseconds: 1500, pollMilliseconds: 100 }
                """
            try config.write(toFile: configFile, atomically: true, encoding: .utf8)
        }

        var address: String { "http://127.0.0.1:\(port)" }
        func client(_ token: String? = nil) -> VaultTestClient { VaultTestClient(baseURL: address, token: token) }

        func start() throws {
            process = try AgentProcess(arguments: ["agent", "--config", configFile], directory: directory)
            try #require(eventually { (try? client().get("sys/seal-status")) != nil }, "\(name) did not start")
        }

        var health: Int { (try? client().get("sys/health").status) ?? 0 }
    }

    enum Backend: String, CaseIterable, Sendable {
        case sqlite, postgresql
    }

    /// The agents' `storage:` setting; PostgreSQL is a private server this test process starts.
    private func storageSetting(_ backend: Backend, directory: URL) throws -> String {
        switch backend {
        case .sqlite:
            return "{ sqlite: { path: \(directory.appendingPathComponent("cluster.db").path) } }"
        case .postgresql:
            let server = try PostgreSQLTestServer.shared()
            return "{ postgresql: { connection: \"\(server.administrationConnectionString)\" } }"
        }
    }

    @Test(arguments: Backend.allCases.filter { $0 == .sqlite || PostgreSQLTestServer.isEnabled })
    func oneActiveStandbysRedirectAndAStandbyTakesOverAfterKill9(backend: Backend) throws {
        let directory = try temporaryDirectory()
        let storage = try storageSetting(backend, directory: directory)
        let members = try ["ha-a", "ha-b", "ha-c"].map {
            try Member(name: $0, directory: directory, storage: storage)
        }
        defer { for member in members { member.process?.kill() } }
        for member in members { try member.start() }

        let initReply = try members[0].client().put("sys/init", ["secret_shares": 1, "secret_threshold": 1])
        let share = try #require(initReply.json?["keys"]?.stringArray?.first)
        let root = try #require(initReply.json?["root_token"]?.stringValue)
        for member in members {
            #expect(try member.client().put("sys/unseal", ["key": .string(share)]).json?["sealed"] == false)
        }
        #expect(
            eventually {
                members.filter { $0.health == 200 }.count == 1 && members.filter { $0.health == 429 }.count == 2
            })
        let active = try #require(members.first { $0.health == 200 })
        let standbys = members.filter { $0 !== active }

        #expect(try active.client(root).put("sys/mounts/kv", ["type": "kv-v2"]).status == 204)
        var written = 0
        for index in 0..<20 {
            if try active.client(root).put("kv/data/s\(index)", ["data": ["v": .string("\(index)")]]).status == 200 {
                written += 1
            }
        }
        #expect(written == 20)

        let standby = standbys[0]
        #expect(
            eventually { (try? standby.client().get("sys/leader").json?["leader_address"]) == .string(active.address) })
        let leader = try standby.client().get("sys/leader").json
        #expect(leader?["ha_enabled"] == true)
        #expect(leader?["is_self"] == false)
        #expect(leader?["leader_address"]?.stringValue == active.address)
        #expect(try standby.client().get("sys/health?standbyok=true").status == 200)
        let redirected = try standby.client(root).send(
            "GET", "kv/data/s1", headers: [("X-Vault-No-Request-Forwarding", "true")])
        #expect(redirected.status == 307)
        // Without the header the standby forwards over the cluster port (coffer-fw-v1).
        #expect(try standby.client(root).get("kv/data/s1").json?["data"]?["data"]?["v"] == "1")
        #expect(try standby.client(root).put("kv/data/via-standby", ["data": ["v": "fw"]]).status == 200)
        #expect(try active.client(root).get("kv/data/via-standby").json?["data"]?["data"]?["v"] == "fw")
        #expect(try standby.client("hvs.bogus").get("kv/data/s1").status == 403)

        // kill -9 the active node: a standby takes the lock once its lease runs out.
        let killedAt = Date()
        active.process?.kill()
        var newActive: Member?
        let tookOver = eventually(timeout: 15) {
            // The new active node: healthy as active, and taking a write itself.
            newActive = standbys.first {
                $0.health == 200 && (try? $0.client(root).put("kv/data/after", ["data": ["v": "x"]]).status) == 200
            }
            return newActive != nil
        }
        #expect(tookOver, "no standby took over")
        let failover = Date().timeIntervalSince(killedAt)
        #expect(failover < 10, "failover took \(failover) s")
        let survivor = try #require(newActive)
        for index in 0..<20 {
            #expect(
                try survivor.client(root).get("kv/data/s\(index)").json?["data"]?["data"]?["v"] == .string("\(index)"))
        }

        // Step-down hands the lock to the remaining standby.
        let other = try #require(standbys.first { $0 !== survivor })
        #expect(try survivor.client(root).put("sys/step-down", [:]).status == 204)
        #expect(eventually(timeout: 15) { other.health == 200 })
        #expect(eventually { survivor.health == 429 })
    }
}

/// A secondary cluster with HA: after activation its nodes open with the primary's shares, a standby
/// still holding the old keys seals itself at once, and a new active node resumes the stream.
@Suite(.serialized)
struct SecondaryClusterHATests {
    @Test func failoverOnASecondaryClusterResumesStreamingAndOldKeysRefuseToServe() throws {
        let primary = try ReplicationNode(name: "dc1")
        try primary.start()
        let primaryShares = try primary.initialize(shares: 3, threshold: 2)
        #expect(try primary.client.put("sys/replication/primary/enable", [:]).status == 204)
        #expect(try primary.client.put("sys/mounts/kv", ["type": "kv-v2"]).status == 204)
        #expect(try primary.client.put("kv/data/a", ["data": ["v": "before"]]).status == 200)

        let directory = try temporaryDirectory()
        let storage = "{ sqlite: { path: \(directory.appendingPathComponent("dc2.db").path) } }"
        let first = try HATests.Member(name: "dc2-a", directory: directory, storage: storage)
        let second = try HATests.Member(name: "dc2-c", directory: directory, storage: storage)
        defer { for member in [first, second] { member.process?.kill() } }
        try first.start()
        try second.start()
        let initReply = try first.client().put("sys/init", ["secret_shares": 1, "secret_threshold": 1])
        let oldShare = try #require(initReply.json?["keys"]?.stringArray?.first)
        let oldRoot = try #require(initReply.json?["root_token"]?.stringValue)
        for member in [first, second] {
            #expect(try member.client().put("sys/unseal", ["key": .string(oldShare)]).json?["sealed"] == false)
        }
        #expect(eventually { [first, second].filter { $0.health == 200 }.count == 1 })
        let active = try #require([first, second].first { $0.health == 200 })
        let oldKeyStandby = active === first ? second : first

        let issued = try primary.client.put("sys/replication/primary/secondary-token", ["id": "dc2"])
        let token = try #require(issued.json?["wrap_info"]?["token"]?.stringValue)
        let enabled = try active.client(oldRoot).put("sys/replication/secondary/enable", ["token": .string(token)])
        #expect(enabled.status == 200, "\(enabled.raw)")
        let streaming = { (member: HATests.Member) -> Bool in
            (try? member.client().get("sys/replication/status").json?["data"]?["performance"]?["state"])
                == "stream-wals"
        }
        #expect(eventually { streaming(active) })

        // The other node still holds the secondary's old keys: it seals itself at its next poll,
        // without waiting to become active, while the active node goes on serving.
        #expect(
            eventually(timeout: 15) { (try? oldKeyStandby.client().get("sys/seal-status").json?["sealed"]) == true })
        #expect(active.health == 200)
        let sealStatus = try oldKeyStandby.client().get("sys/seal-status").json
        #expect(sealStatus?["warnings"]?.stringArray?.first?.contains("no longer opens") == true)
        #expect(try oldKeyStandby.client().put("sys/unseal", ["key": .string(oldShare)]).status == 400)

        // Opened with the primary's shares, the same node stays a standby, then becomes active and
        // resumes the stream when the active node dies.
        for share in primaryShares.prefix(2) {
            #expect(try oldKeyStandby.client().put("sys/unseal", ["key": .string(share)]).status == 200)
        }
        #expect(eventually { oldKeyStandby.health == 429 })
        active.process?.kill()
        #expect(eventually(timeout: 15) { oldKeyStandby.health == 200 && streaming(oldKeyStandby) })

        // A standby unsealed with the primary's shares takes over when that active node dies.
        let replacement = try HATests.Member(name: "dc2-b", directory: directory, storage: storage)
        defer { replacement.process?.kill() }
        try replacement.start()
        for share in primaryShares.suffix(2) {
            #expect(try replacement.client().put("sys/unseal", ["key": .string(share)]).status == 200)
        }
        #expect(eventually { replacement.health == 429 })
        oldKeyStandby.process?.kill()
        #expect(try primary.client.put("kv/data/b", ["data": ["v": "during-failover"]]).status == 200)
        #expect(eventually(timeout: 15) { replacement.health == 200 && streaming(replacement) })
        let secondaryRoot = try replacement.client().generateRoot(primaryShares)
        #expect(
            eventually {
                (try? replacement.client(secondaryRoot).get("kv/data/b").json?["data"]?["data"]?["v"])
                    == "during-failover"
            })
        #expect(try replacement.client(secondaryRoot).get("kv/data/a").json?["data"]?["data"]?["v"] == "before")
    }
}

/// A primary cluster with HA: its secondary follows the failover to the new active node.
@Suite(.serialized)
struct PrimaryClusterHATests {
    @Test func secondaryReconnectsToTheNewActiveNodeOfThePrimary() throws {
        let directory = try temporaryDirectory()
        let storage = "{ sqlite: { path: \(directory.appendingPathComponent("dc1.db").path) } }"
        let nodes = try ["dc1-a", "dc1-b"].map { try HATests.Member(name: $0, directory: directory, storage: storage) }
        defer { for node in nodes { node.process?.kill() } }
        for node in nodes { try node.start() }
        let initReply = try nodes[0].client().put("sys/init", ["secret_shares": 1, "secret_threshold": 1])
        let share = try #require(initReply.json?["keys"]?.stringArray?.first)
        let root = try #require(initReply.json?["root_token"]?.stringValue)
        for node in nodes { #expect(try node.client().put("sys/unseal", ["key": .string(share)]).status == 200) }
        #expect(
            eventually { nodes.filter { $0.health == 200 }.count == 1 && nodes.filter { $0.health == 429 }.count == 1 })
        let active = try #require(nodes.first { $0.health == 200 })
        let standby = try #require(nodes.first { $0 !== active })

        #expect(try active.client(root).put("sys/replication/primary/enable", [:]).status == 204)
        #expect(try active.client(root).put("sys/mounts/kv", ["type": "kv-v2"]).status == 204)
        #expect(try active.client(root).put("kv/data/a", ["data": ["v": "one"]]).status == 200)
        let secondary = try ReplicationNode(name: "dc2")
        try secondary.start()
        _ = try secondary.initialize(shares: 1, threshold: 1)
        let issued = try active.client(root).put("sys/replication/primary/secondary-token", ["id": "dc2"])
        let token = try #require(issued.json?["wrap_info"]?["token"]?.stringValue)
        #expect(try secondary.client.put("sys/replication/secondary/enable", ["token": .string(token)]).status == 200)
        #expect(try secondary.waitForState("stream-wals"))
        let known = try secondary.replicationStatus()["known_primary_cluster_addrs"]?.stringArray ?? []
        #expect(known.count == 2, "the secondary learns both primary nodes: \(known)")
        secondary.token = try secondary.generateRoot([share])

        active.process?.kill()
        #expect(eventually(timeout: 15) { standby.health == 200 })
        #expect(try standby.client(root).put("kv/data/b", ["data": ["v": "after-failover"]]).status == 200)
        #expect(
            eventually(timeout: 20) {
                (try? secondary.client.get("kv/data/b").json?["data"]?["data"]?["v"]) == "after-failover"
            }, "\(secondary.logs)")
        #expect(try secondary.replicationStatus()["state"] == "stream-wals")
    }
}
