import CofferBase
import CofferTestSupport
import Foundation
import Testing

/// Primary and secondary clusters as real processes with their own storage (DESIGN.md §4).
@Suite(.serialized)
struct ReplicationTests {
    private func enableKV(_ node: ReplicationNode, _ path: String, local: Bool = false) throws {
        let reply = try node.client.put(
            "sys/mounts/\(path)", ["type": "kv", "options": ["version": "2"], "local": .bool(local)])
        try #require(reply.status == 204, "mount \(path) on \(node.name): \(reply.raw)")
    }

    private func write(_ node: ReplicationNode, _ path: String, _ value: String) throws -> Int {
        try node.client.put(path, ["data": ["value": .string(value)]]).status
    }

    private func read(_ node: ReplicationNode, _ path: String) throws -> String? {
        try node.client.get(path).json?["data"]?["data"]?["value"]?.stringValue
    }

    @Test func activationStreamsForwardsAndUsesThePrimarysKeys() throws {
        let pair = try ReplicatedPair()
        let (primary, secondary) = (pair.primary, pair.secondary)
        try enableKV(primary, "kv")
        #expect(try write(primary, "kv/data/app", "before-activation") == 200)
        let reader = "path \"kv/data/*\" { capabilities = [\"read\"] }"
        #expect(try primary.client.put("sys/policies/acl/reader", ["policy": .string(reader)]).status == 204)
        let primaryToken = try #require(primary.token)

        try pair.activate()
        let secondaryStatus = try secondary.replicationStatus()
        let primaryStatus = try primary.replicationStatus()
        #expect(secondaryStatus["mode"] == "secondary")
        #expect(secondaryStatus["connection_state"] == "ready")
        #expect(secondaryStatus["secondary_id"] == "dc2")
        #expect(secondaryStatus["cluster_id"] == primaryStatus["cluster_id"])
        #expect(primaryStatus["mode"] == "primary")
        #expect(primaryStatus["known_secondaries"] == ["dc2"])
        #expect(primaryStatus["secondaries"]?.arrayValue?.first?["connection_status"] == "connected")
        #expect(try secondary.client.get("sys/health").json?["replication_performance_mode"] == "secondary")
        let metrics = try secondary.client.get("sys/metrics?format=prometheus").raw
        #expect(metrics.contains("coffer_replication_mode 2.0"), "\(metrics)")
        #expect(metrics.contains("coffer_replication_connected 1.0"))
        #expect(try primary.client.get("sys/metrics?format=prometheus").raw.contains("coffer_replication_mode 1.0"))

        // Data and policies replicate; tokens do not.
        #expect(try read(secondary, "kv/data/app") == "before-activation")
        #expect(try secondary.client.get("sys/policies/acl/reader").status == 200)
        var foreign = secondary.client
        foreign.token = primaryToken
        #expect(try foreign.get("kv/data/app").status == 403)

        #expect(try write(primary, "kv/data/live", "streamed") == 200)
        #expect(eventually { (try? read(secondary, "kv/data/live")) == "streamed" })

        // A write through the secondary is made on the primary and readable here at once.
        #expect(try write(secondary, "kv/data/via-secondary", "forwarded") == 200)
        #expect(try read(secondary, "kv/data/via-secondary") == "forwarded")
        #expect(try read(primary, "kv/data/via-secondary") == "forwarded")
        let policy = "path \"kv/data/x\" { capabilities = [\"read\"] }"
        #expect(try secondary.client.put("sys/policies/acl/from-secondary", ["policy": .string(policy)]).status == 204)
        #expect(try primary.client.get("sys/policies/acl/from-secondary").status == 200)

        // A local mount stays on the secondary; a replicated one is made on the primary.
        try enableKV(secondary, "here", local: true)
        #expect(try write(secondary, "here/data/k", "local-only") == 200)
        #expect(try primary.client.get("sys/mounts").json?["data"]?["here/"] == nil)
        try enableKV(secondary, "shared")
        #expect(try primary.client.get("sys/mounts").json?["data"]?["shared/"]?["type"] == "kv")

        // From now on the secondary opens with the primary's shares, not its own.
        #expect(try secondary.client.put("sys/seal", [:]).status == 204)
        #expect(try secondary.client.put("sys/unseal", ["key": .string(pair.secondaryShares[0])]).status == 400)
        try secondary.unseal(Array(pair.primaryShares.prefix(2)))
        #expect(try read(secondary, "kv/data/app") == "before-activation")
        #expect(try read(secondary, "here/data/k") == "local-only")
        #expect(pair.waitUntilConverged())
    }

    @Test func crashAndWALGapHealByMerkleSyncThenRevocationAndTokenReuseAreRefused() throws {
        let pair = try ReplicatedPair(walMaxRecords: 10)
        let (primary, secondary) = (pair.primary, pair.secondary)
        try enableKV(primary, "kv")
        let token = try pair.activate()
        try enableKV(secondary, "here", local: true)
        #expect(try write(secondary, "here/data/k", "survives") == 200)
        for index in 0..<5 { #expect(try write(primary, "kv/data/before-\(index)", "\(index)") == 200) }

        secondary.kill()
        for index in 0..<40 { #expect(try write(primary, "kv/data/gap-\(index)", "\(index)") == 200) }
        try secondary.start()
        try secondary.unseal(Array(pair.primaryShares.suffix(2)))
        #expect(pair.waitUntilConverged(), "no convergence: \(secondary.logs)")
        #expect(secondary.logs.contains("merkle sync complete"))
        #expect(primary.logs.contains("merkle sync served"))
        for index in [0, 17, 39] { #expect(try read(secondary, "kv/data/gap-\(index)") == "\(index)") }
        #expect(try read(secondary, "here/data/k") == "survives")
        let primaryStatus = try primary.replicationStatus()
        let secondaryStatus = try secondary.replicationStatus()
        #expect(primaryStatus["merkle_root"] == secondaryStatus["merkle_root"])
        #expect(secondaryStatus["state"] == "stream-wals")
        let fetched = try #require(secondaryStatus["last_merkle_sync"]?["fetched_keys"]?.intValue)
        #expect(fetched >= 40, "the merkle sync fetched the writes made while the secondary was down")

        // Revocation closes the link and the certificate is refused from then on.
        #expect(try primary.client.put("sys/replication/primary/revoke-secondary", ["id": "dc2"]).status == 204)
        #expect(eventually { (try? secondary.replicationStatus())?["connection_state"] != "ready" })
        #expect(try primary.replicationStatus()["known_secondaries"] == [])
        #expect(try write(primary, "kv/data/after-revoke", "hidden") == 200)
        #expect(!eventually(timeout: 3) { (try? read(secondary, "kv/data/after-revoke")) != nil })

        // A used activation token is refused, and the secondary keeps its data.
        #expect(try secondary.client.put("sys/replication/secondary/disable", [:]).status == 204)
        let reuse = try secondary.client.put("sys/replication/secondary/enable", ["token": .string(token)])
        #expect(reuse.status == 400, "\(reuse.raw)")
        #expect(reuse.json?["errors"]?.arrayValue?.first?.stringValue?.contains("unwrapping") == true)
        #expect(try read(secondary, "here/data/k") == "survives")
        #expect(try read(secondary, "kv/data/gap-5") == "5")
    }

    @Test func promotionFencesTheOldPrimaryAndDemotionLetsItFollow() throws {
        let pair = try ReplicatedPair()
        let (primary, secondary) = (pair.primary, pair.secondary)
        try enableKV(primary, "kv")
        #expect(try write(primary, "kv/data/a", "one") == 200)
        try pair.activate()

        let promoted = try secondary.client.put("sys/replication/performance/secondary/promote", [:])
        #expect(promoted.status == 200, "\(promoted.raw)")
        #expect(try secondary.replicationStatus()["mode"] == "primary")
        #expect(eventually { (try? primary.replicationStatus())?["state"] == "fenced" }, "\(primary.logs)")
        #expect(try write(primary, "kv/data/split-brain", "refused") == 503)
        #expect(try write(secondary, "kv/data/b", "two") == 200)

        #expect(try primary.client.put("sys/replication/performance/primary/demote", [:]).status == 204)
        #expect(try primary.replicationStatus()["mode"] == "secondary")
        let issued = try secondary.client.put("sys/replication/performance/primary/secondary-token", ["id": "dc1"])
        let token = try #require(issued.json?["wrap_info"]?["token"]?.stringValue, "\(issued.raw)")
        let update = try primary.client.put(
            "sys/replication/performance/secondary/update-primary", ["token": .string(token)])
        #expect(update.status == 204, "\(update.raw)")
        #expect(eventually { (try? read(primary, "kv/data/b")) == "two" }, "\(primary.logs)")
        #expect(try read(primary, "kv/data/a") == "one")
        let forwarded = try primary.client.put("kv/data/c", ["data": ["value": "through-new-primary"]])
        #expect(forwarded.status == 200, "\(forwarded.raw)\n\(primary.logs)")
        #expect(try read(secondary, "kv/data/c") == "through-new-primary")
    }
}

/// Two dev nodes: the primary's custom root token exists on the secondary after activation.
@Suite(.serialized)
struct DevReplicationTests {
    @Test func devSecondaryInheritsThePrimarysRootToken() throws {
        let directory = try temporaryDirectory()
        let primaryPort = freePortWithFreeSuccessor()
        var secondaryPort = freePortWithFreeSuccessor()
        while abs(secondaryPort - primaryPort) <= 1 { secondaryPort = freePortWithFreeSuccessor() }
        let primaryAgent = try AgentProcess(
            arguments: [
                "agent", "--dev", "--dev-root-token-id", "dev-primary-root", "--dev-listen-address",
                "127.0.0.1:\(primaryPort)",
            ], directory: directory)
        defer { primaryAgent.kill() }
        let secondaryAgent = try AgentProcess(
            arguments: [
                "agent", "--dev", "--dev-root-token-id", "dev-secondary-root", "--dev-listen-address",
                "127.0.0.1:\(secondaryPort)",
            ], directory: directory)
        defer { secondaryAgent.kill() }
        let primary = VaultTestClient(baseURL: "http://127.0.0.1:\(primaryPort)", token: "dev-primary-root")
        var secondary = VaultTestClient(baseURL: "http://127.0.0.1:\(secondaryPort)", token: "dev-secondary-root")
        try #require(eventually { (try? primary.get("sys/health"))?.status == 200 })
        try #require(eventually { (try? secondary.get("sys/health"))?.status == 200 })

        #expect(try primary.put("sys/replication/primary/enable", [:]).status == 204)
        #expect(try primary.put("secret/data/app", ["data": ["k": "v"]]).status == 200)
        let issued = try primary.put("sys/replication/primary/secondary-token", ["id": "dev-secondary"])
        let token = try #require(issued.json?["wrap_info"]?["token"]?.stringValue)
        #expect(try secondary.put("sys/replication/secondary/enable", ["token": .string(token)]).status == 200)

        secondary.token = "dev-primary-root"
        #expect(eventually { (try? secondary.get("secret/data/app"))?.json?["data"]?["data"]?["k"] == "v" })
        secondary.token = "dev-secondary-root"
        #expect(try secondary.get("secret/data/app").status == 403)
    }
}

/// Activation tokens that must not work: tampered, foreign, expired. The secondary keeps its data.
@Suite(.serialized)
struct ActivationRefusalTests {
    @Test func tamperedForeignAndExpiredTokensAreRefusedAndChangeNothing() throws {
        let pair = try ReplicatedPair()
        let (primary, secondary) = (pair.primary, pair.secondary)
        #expect(
            try secondary.client.put("sys/mounts/mine", ["type": "kv", "options": ["version": "2"]]).status == 204)
        #expect(try secondary.client.put("mine/data/k", ["data": ["v": "kept"]]).status == 200)

        func enable(_ token: String, api: String? = nil) throws -> VaultTestClient.Reply {
            var body: [String: JSON] = ["token": .string(token)]
            if let api { body["primary_api_addr"] = .string(api) }
            return try secondary.client.put("sys/replication/secondary/enable", .object(body))
        }
        func issue(_ node: ReplicationNode, id: String, ttl: String = "30m") throws -> String {
            let reply = try node.client.put(
                "sys/replication/primary/secondary-token", ["id": .string(id), "ttl": .string(ttl)])
            return try #require(reply.json?["wrap_info"]?["token"]?.stringValue, "\(reply.raw)")
        }

        // Tampered: one character of the signature changed.
        var tampered = Array(try issue(primary, id: "t1"))
        tampered[tampered.count - 5] = tampered[tampered.count - 5] == "A" ? "B" : "A"
        let tamperedReply = try enable(String(tampered))
        #expect(tamperedReply.status == 400, "\(tamperedReply.raw)")

        // Foreign: signed by another primary, presented to this one.
        let other = try ReplicationNode(name: "other")
        try other.start()
        _ = try other.initialize(shares: 1, threshold: 1)
        #expect(try other.client.put("sys/replication/primary/enable", [:]).status == 204)
        let foreign = try enable(try issue(other, id: "f1"), api: primary.address)
        #expect(foreign.status == 400, "\(foreign.raw)")

        // Expired: the JWT's exp has passed before it is used.
        let shortLived = try issue(primary, id: "e1", ttl: "1s")
        Thread.sleep(forTimeInterval: 1.2)  // Real time must pass for a token to expire.
        let expired = try enable(shortLived)
        #expect(expired.status == 400, "\(expired.raw)")
        #expect(expired.json?["errors"]?.arrayValue?.first?.stringValue?.contains("expired") == true)

        #expect(try secondary.replicationStatus()["mode"] == "disabled")
        #expect(try secondary.client.get("mine/data/k").json?["data"]?["data"]?["v"] == "kept")
    }
}
