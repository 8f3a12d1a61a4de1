import CofferBase
import CofferTestSupport
import Foundation
import Testing

/// The real `coffer` controller commands against real agents (issue 5's end-to-end behaviour).
@Suite(.serialized)
struct ControllerTests {
    typealias Layout = ControllerFixture.ClusterLayout

    /// Writes a KV v2 secret on `cluster`'s active node (mounting `secret/` if needed).
    func write(_ fixture: ControllerFixture, cluster: String, key: String, value: String) throws {
        let token = try fixture.rootToken(cluster)
        let node = try #require(try fixture.activeNode(cluster))
        let client = fixture.client(node, token: token)
        if (try client.get("sys/mounts")).json?["secret/"] == nil {
            let mounted = try client.send("POST", "sys/mounts/secret", ["type": "kv", "options": ["version": "2"]])
            try #require(mounted.status == 204, "mount: \(mounted.raw)")
        }
        let written = try client.put("secret/data/\(key)", ["data": ["value": .string(value)]])
        try #require(written.status == 200, "write: \(written.raw)")
    }

    /// Polls `node` of `cluster` until the secret reads back with `value`.
    func readsBack(
        _ fixture: ControllerFixture, cluster: String, node: String, key: String, value: String
    ) throws
        -> Bool
    {
        let token = try fixture.rootToken(cluster)
        let client = fixture.client(node, token: token)
        var last = ""
        let found = eventually(timeout: 20) {
            let reply = try? client.get("secret/data/\(key)")
            last = "\(reply?.status ?? 0) \(reply?.raw ?? "")"
            return reply?.json?["data"]?["data"]?["value"]?.stringValue == value
        }
        if !found { print("\(node) never read \(key): last answer \(last)") }
        return found
    }

    @Test func freshApplyConvergesReplicatesAndASecondApplyDoesNothing() throws {
        let fixture = try ControllerFixture([
            Layout(name: "dc1", primary: nil, nodes: 2), Layout(name: "dc2", primary: "dc1", nodes: 2),
        ])
        defer { fixture.stopAll() }
        try fixture.startAll()
        let planned = try fixture.controller("plan", ["--detailed-exitcode"])
        #expect(planned.status == 2, "\(planned.all)")
        #expect(planned.stdout.contains("+ init"))
        #expect(planned.stdout.contains("activate-secondary"))

        let started = Date()
        let applied = try fixture.controller("apply")
        let seconds = Date().timeIntervalSince(started)
        try #require(applied.status == 0, "apply: \(applied.all)\n\(fixture.logs)")
        print("controller: fresh apply of 2 clusters x 2 nodes converged in \(String(format: "%.2f", seconds)) s")
        #expect(applied.stdout.contains("matches the manifest"))

        let rows = try fixture.status()
        #expect(rows.count == 4)
        for (name, row) in rows {
            #expect(row["sealed"]?.boolValue == false, "\(name): \(row)")
            #expect(row["initialized"]?.boolValue == true, "\(name)")
        }
        #expect(rows.values.filter { $0["ha"]?.stringValue == "active" }.count == 2)
        let secondaryActive = try #require(try fixture.activeNode("dc2"))
        #expect(rows[secondaryActive]?["replication_mode"]?.stringValue == "secondary")
        #expect(rows[secondaryActive]?["replication_state"]?.stringValue == "stream-wals")

        try write(fixture, cluster: "dc1", key: "app", value: "v1")
        for node in ["dc2-1", "dc2-2"] {
            #expect(try readsBack(fixture, cluster: "dc2", node: node, key: "app", value: "v1"), "\(node)")
        }

        let again = try fixture.controller("plan", ["--detailed-exitcode"])
        #expect(again.status == 0, "\(again.all)")
        #expect(again.stdout.contains("nothing to do"))
        let reapplied = try fixture.controller("apply")
        #expect(reapplied.status == 0)
        let actionLines = reapplied.stdout.split(separator: "\n").filter { $0.hasPrefix("  - ") }
        #expect(actionLines.isEmpty, "a converged apply took actions: \(reapplied.stdout)")

        // Custody: 0700 directories, 0600 files, and no share in anything the controller printed.
        let custody = fixture.custodyPath
        let attributes = try FileManager.default.attributesOfItem(atPath: custody)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        let shown = try fixture.controller("keys show")
        #expect(shown.status == 0)
        let shares = shown.stdout.split(separator: "\n").filter { $0.contains("share ") }.compactMap {
            $0.split(separator: " ").last.map(String.init)
        }
        #expect(shares.count == 6, "two key sets of three shares: \(shown.stdout.count) bytes")
        for share in shares {
            #expect(!applied.all.contains(share))
            #expect(!fixture.logs.contains(share))
        }
        let files = (FileManager.default.subpaths(atPath: custody) ?? []).filter { $0.hasSuffix(".json") }
        #expect(files.count == 2)
        for name in files {
            let mode = try FileManager.default.attributesOfItem(atPath: custody + "/" + name)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(name)")
        }
    }

    @Test func runUnsealsRestartedAgentsAndReplicationResumes() throws {
        let fixture = try ControllerFixture([
            Layout(name: "dc1", primary: nil, nodes: 1), Layout(name: "dc2", primary: "dc1", nodes: 1),
        ])
        defer { fixture.stopAll() }
        try fixture.startAll()
        try #require(try fixture.controller("apply").status == 0)
        let run = try AgentProcess(arguments: ["run", "-f", fixture.manifestPath], directory: fixture.directory.url)
        defer { run.terminate() }

        // kill -9 the secondary's agent: run unseals it and it streams again.
        fixture.kill("dc2-1")
        try fixture.start("dc2-1")
        let streaming = eventually(timeout: 30) {
            (try? fixture.status()["dc2-1"]?["replication_state"]?.stringValue) == "stream-wals"
        }
        #expect(streaming, "\(run.stdout)\n\(run.stderr)")
        try write(fixture, cluster: "dc1", key: "after-secondary-restart", value: "1")
        #expect(try readsBack(fixture, cluster: "dc2", node: "dc2-1", key: "after-secondary-restart", value: "1"))

        // Restart the primary's active node while the secondary stays up.
        fixture.kill("dc1-1")
        try fixture.start("dc1-1")
        #expect(eventually(timeout: 30) { (try? fixture.status()["dc1-1"]?["sealed"]?.boolValue) == false })
        try write(fixture, cluster: "dc1", key: "after-primary-restart", value: "2")
        #expect(try readsBack(fixture, cluster: "dc2", node: "dc2-1", key: "after-primary-restart", value: "2"))
        #expect(run.stdout.contains("unsealed dc2/dc2-1"))
        #expect(run.stdout.contains("unsealed dc1/dc1-1"))

        // An operator's sys/seal is respected: run reports it and leaves the node sealed; a restart
        // of the agent lifts the hold.
        let sealed = try fixture.client("dc2-1", token: try fixture.rootToken("dc2")).put("sys/seal", [:])
        #expect(sealed.status == 204, "\(sealed.raw)")
        #expect(eventually(timeout: 20) { run.stdout.contains("dc2-1 was sealed by an operator with sys/seal") })
        #expect(try fixture.status()["dc2-1"]?["sealed"]?.boolValue == true)
        fixture.kill("dc2-1")
        try fixture.start("dc2-1")
        #expect(eventually(timeout: 30) { (try? fixture.status()["dc2-1"]?["sealed"]?.boolValue) == false })
        #expect(run.terminate() == 0)
    }

    @Test func wipedSecondaryIsActivatedAgainAndRemovedSecondaryIsRevoked() throws {
        let layout = [
            Layout(name: "dc1", primary: nil, nodes: 1), Layout(name: "dc2", primary: "dc1", nodes: 1),
            Layout(name: "dc3", primary: "dc1", nodes: 1),
        ]
        let fixture = try ControllerFixture(layout)
        defer { fixture.stopAll() }
        try fixture.startAll()
        try #require(try fixture.controller("apply").status == 0)
        try write(fixture, cluster: "dc1", key: "before-wipe", value: "kept")

        try fixture.wipe("dc2")
        try fixture.start("dc2-1")
        let planned = try fixture.controller("plan")
        #expect(planned.stdout.contains("init"), "\(planned.stdout)")
        #expect(planned.stdout.contains("activate-secondary  dc2"), "\(planned.stdout)")
        let reapplied = try fixture.controller("apply")
        #expect(reapplied.status == 0, "\(reapplied.all)")
        #expect(try readsBack(fixture, cluster: "dc2", node: "dc2-1", key: "before-wipe", value: "kept"))
        let keys = try fixture.controller("keys show", ["--cluster", "dc2"])
        #expect(keys.stdout.components(separatedBy: "(superseded)").count - 1 == 2, "both of dc2's own key sets")

        try fixture.writeManifest(Array(layout.prefix(2)))
        let removal = try fixture.controller("plan")
        #expect(removal.stdout.contains("revoke-secondary"), "\(removal.stdout)")
        #expect(removal.stdout.contains("secondary dc3 is registered on dc1 but is not in the manifest"))
        #expect(try fixture.controller("apply").status == 0)
        let token = try fixture.rootToken("dc1")
        let status = try fixture.client("dc1-1", token: token).get("sys/replication/status")
        #expect(status.json?["data"]?["performance"]?["known_secondaries"]?.stringArray == ["dc2"])
    }

    @Test func controllerKilledBetweenActivationStepsFinishesOnTheNextRun() throws {
        let fixture = try ControllerFixture([
            Layout(name: "dc1", primary: nil, nodes: 1), Layout(name: "dc2", primary: "dc1", nodes: 1),
        ])
        defer { fixture.stopAll() }
        try fixture.startAll()
        let crashed = try fixture.controller("apply", environment: ["COFFER_FAILPOINT": "activate.token-minted"])
        #expect(crashed.status == 70, "\(crashed.all)")
        let journal = try String(contentsOfFile: fixture.directory.path("state/journal.json"), encoding: .utf8)
        #expect(journal.contains("\"step\":\"token-minted\""))
        let planned = try fixture.controller("plan")
        #expect(
            planned.stdout.contains("resuming the activation interrupted after step token-minted"), "\(planned.stdout)")
        #expect(!planned.stdout.contains("+ init"))
        let resumed = try fixture.controller("apply")
        #expect(resumed.status == 0, "\(resumed.all)")
        let keys = try fixture.controller("keys show")
        #expect(keys.stdout.components(separatedBy: "key set ").count - 1 == 2, "exactly one init per cluster")
        #expect(
            !(try String(contentsOfFile: fixture.directory.path("state/journal.json"), encoding: .utf8)).contains(
                "activate"))
    }

    @Test func manifestNamingAnotherPrimaryMovesTheRole() throws {
        let fixture = try ControllerFixture([
            Layout(name: "dc1", primary: nil, nodes: 1), Layout(name: "dc2", primary: "dc1", nodes: 1),
        ])
        defer { fixture.stopAll() }
        try fixture.startAll()
        try #require(try fixture.controller("apply").status == 0)
        try write(fixture, cluster: "dc1", key: "before-move", value: "1")
        #expect(try readsBack(fixture, cluster: "dc2", node: "dc2-1", key: "before-move", value: "1"))

        try fixture.writeManifest([
            Layout(name: "dc2", primary: nil, nodes: 1), Layout(name: "dc1", primary: "dc2", nodes: 1),
        ])
        let planned = try fixture.controller("plan")
        #expect(planned.stdout.contains("move-primary"), "\(planned.stdout)")
        let moved = try fixture.controller("apply")
        #expect(moved.status == 0, "\(moved.all)\n\(fixture.logs)")
        let rows = try fixture.status()
        #expect(rows["dc2-1"]?["replication_mode"]?.stringValue == "primary")
        #expect(rows["dc1-1"]?["replication_mode"]?.stringValue == "secondary")
        try write(fixture, cluster: "dc2", key: "after-move", value: "2")
        #expect(try readsBack(fixture, cluster: "dc1", node: "dc1-1", key: "after-move", value: "2"))
        #expect(try readsBack(fixture, cluster: "dc1", node: "dc1-1", key: "before-move", value: "1"))
    }

    @Test func activationOverUserDataWaitsForApproval() throws {
        let fixture = try ControllerFixture([
            Layout(name: "dc1", primary: nil, nodes: 1), Layout(name: "dc2", primary: "dc1", nodes: 1),
        ])
        defer { fixture.stopAll() }
        try fixture.startAll()
        // dc2 first lives on its own as a primary with a secret, then replication is turned off on it.
        try fixture.writeManifest([Layout(name: "dc2", primary: nil, nodes: 1)])
        try #require(try fixture.controller("apply").status == 0)
        try write(fixture, cluster: "dc2", key: "own", value: "mine")
        let token = try fixture.rootToken("dc2")
        let disabled = try fixture.client("dc2-1", token: token).send(
            "POST", "sys/replication/performance/primary/disable", [:])
        try #require(disabled.status == 204 || disabled.status == 200, "\(disabled.raw)")

        try fixture.writeManifest([
            Layout(name: "dc1", primary: nil, nodes: 1), Layout(name: "dc2", primary: "dc1", nodes: 1),
        ])
        let planned = try fixture.controller("plan")
        #expect(planned.stdout.contains("! activate-secondary"), "\(planned.stdout)")
        #expect(planned.stdout.contains("WIPES ALL DATA on dc2"))
        let refused = try fixture.controller("apply", ["--timeout", "20s"])
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("pass --approve-destructive"), "\(refused.stdout)")
        #expect(
            try readsBack(fixture, cluster: "dc2", node: "dc2-1", key: "own", value: "mine"), "refused means untouched")
        let approved = try fixture.controller("apply", ["--approve-destructive"])
        #expect(approved.status == 0, "\(approved.all)")
        #expect(try fixture.status()["dc2-1"]?["replication_state"]?.stringValue == "stream-wals")
    }

    @Test func rekeyThroughCustodyKeepsTheControllerAbleToUnseal() throws {
        let fixture = try ControllerFixture([
            Layout(name: "dc1", primary: nil, nodes: 1), Layout(name: "dc2", primary: "dc1", nodes: 1),
        ])
        defer { fixture.stopAll() }
        try fixture.startAll()
        try #require(try fixture.controller("apply").status == 0)
        let before = try fixture.controller("keys show", ["--cluster", "dc1"])
        let rekeyed = try fixture.controller("keys rekey", ["--cluster", "dc1"])
        #expect(rekeyed.status == 0, "\(rekeyed.all)")
        #expect(!rekeyed.stdout.contains("share"), "the new shares go to custody, not to the terminal")
        let after = try fixture.controller("keys show", ["--cluster", "dc1"])
        #expect(after.stdout.components(separatedBy: "key set ").count - 1 == 2)
        #expect(after.stdout.contains("(superseded)"))
        #expect(before.stdout.components(separatedBy: "key set ").count - 1 == 1)

        // Both clusters restart sealed; the controller opens them with the new shares.
        fixture.kill("dc1-1")
        fixture.kill("dc2-1")
        try fixture.start("dc1-1")
        try fixture.start("dc2-1")
        let applied = try fixture.controller("apply")
        #expect(applied.status == 0, "\(applied.all)")
        let rows = try fixture.status()
        #expect(rows["dc1-1"]?["sealed"]?.boolValue == false)
        #expect(rows["dc2-1"]?["sealed"]?.boolValue == false)
        let refused = try fixture.controller("keys rekey", ["--cluster", "dc2"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("rekey the primary cluster"))
    }

    @Test func anUnreachableAgentIsReportedAndNeverHoldsUpTheOthers() throws {
        let fixture = try ControllerFixture([
            Layout(name: "dc1", primary: nil, nodes: 1), Layout(name: "dc2", primary: "dc1", nodes: 2),
        ])
        defer { fixture.stopAll() }
        try fixture.startAll()
        try #require(try fixture.controller("apply").status == 0)
        fixture.kill("dc2-2")
        fixture.kill("dc1-1")
        try fixture.start("dc1-1")

        let applied = try fixture.controller("apply", ["--timeout", "30s"])
        #expect(applied.status == 1, "not converged while an agent is down: \(applied.all)")
        #expect(applied.stdout.contains("unsealed dc1/dc1-1"), "\(applied.stdout)")
        #expect(applied.stdout.contains("? unreachable: dc2-2"))
        #expect(!applied.stdout.contains("init"), "no init because an agent is unreachable")
        let status = try fixture.controller("status")
        #expect(status.status == 2)
        let rows = try fixture.status()
        #expect(rows["dc2-2"]?["agent"]?.stringValue == "unreachable")
        #expect(rows["dc1-1"]?["sealed"]?.boolValue == false)
        #expect(rows["dc2-1"]?["replication_state"]?.stringValue == "stream-wals", "\(rows)\n\(fixture.logs)")

        try fixture.start("dc2-2")
        let final = try fixture.controller("apply", ["--timeout", "60s"])
        #expect(final.status == 0, "\(final.all)\n\(fixture.logs)")
    }

    @Test func contradictoryManifestIsRefusedBeforeAnythingIsTouched() throws {
        let fixture = try ControllerFixture([
            Layout(name: "dc1", primary: nil, nodes: 1), Layout(name: "dc2", primary: nil, nodes: 1),
        ])
        defer { fixture.stopAll() }
        try fixture.startAll()
        let result = try fixture.controller("apply")
        #expect(result.status == 1)
        #expect(
            result.stderr.contains("topology.yaml:17:13: spec.clusters[1].role: clusters dc1 and dc2 are both primary"),
            "\(result.stderr)")
        #expect((try fixture.client("dc1-1").get("sys/seal-status")).json?["initialized"]?.boolValue == false)
        #expect(!FileManager.default.fileExists(atPath: fixture.custodyPath))
    }
}
