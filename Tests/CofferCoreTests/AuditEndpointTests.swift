import CofferBase
import CofferStorage
import Foundation
import Testing

@testable import CofferCore

/// `sys/audit`: enabling, listing and disabling file devices, and where their configuration lives.
struct AuditEndpointTests {
    let audit: AuditTestNode

    init() throws {
        audit = try AuditTestNode()
    }

    @Test func enabledDevicesAreListedInVaultsShapeAndDisablingRemovesThem() throws {
        #expect(audit.send("GET", "sys/audit").body?["data"] == [:])
        let enable = audit.send(
            "PUT", "sys/audit/file",
            [
                "type": "file", "description": "everything",
                "options": ["file_path": .string(audit.file("audit.log")), "log_raw": false],
            ])
        #expect(enable.status == 204, "\(String(describing: enable.body))")
        let listing = audit.send("GET", "sys/audit")
        #expect(listing.status == 200)
        let entry = try #require(listing.body?["data"]?["file/"])
        #expect(entry["type"] == "file" && entry["path"] == "file/" && entry["description"] == "everything")
        #expect(entry["local"] == false)
        #expect(entry["options"] == ["file_path": .string(audit.file("audit.log")), "log_raw": "false"])
        #expect(listing.body?["file/"] == entry, "Vault repeats the map at the top level")
        let attributes = try FileManager.default.attributesOfItem(atPath: audit.file("audit.log"))
        #expect(attributes[.posixPermissions] as? Int == 0o600, "the log is created with Vault's default mode")

        #expect(
            audit.send("PUT", "sys/audit/file", ["type": "file", "options": ["file_path": "stdout"]]).status == 400)
        #expect(audit.send("DELETE", "sys/audit/file").status == 204)
        #expect(audit.send("GET", "sys/audit").body?["data"] == [:])
        #expect(try audit.core.storage.keys(prefix: "audit/").isEmpty, "the salt went with the device")
        #expect(audit.send("DELETE", "sys/audit/file").status == 204, "disabling twice is not an error")
        #expect(audit.send("POST", "sys/audit-hash/file", ["input": "x"]).status == 400)
    }

    @Test func badConfigurationsAreRefusedAndStoreNothing() throws {
        let missing = audit.file("no-such-directory/audit.log")
        let unopenable = audit.send(
            "PUT", "sys/audit/file", ["type": "file", "options": ["file_path": .string(missing)]])
        #expect(unopenable.status == 400)
        let message = AuthTestNode.errors(unopenable).first ?? ""
        #expect(message.contains("could not be enabled") && message.contains("No such file or directory"), "\(message)")
        let refused: [JSON] = [
            ["type": "file"],
            ["type": "syslog", "options": ["file_path": "stdout"]],
            ["options": ["file_path": "stdout"]],
            ["type": "file", "options": ["file_path": "stdout", "format": "jsonx"]],
            ["type": "file", "options": ["file_path": "stdout", "mode": "rw-------"]],
            ["type": "file", "options": ["file_path": "stdout", "log_raw": "sometimes"]],
            ["type": "file", "options": ["file_path": "stdout", "elide_list_responses": true]],
            ["type": "file", "options": ["file_path": "stdout", "prefix": ["nested": "object"]]],
        ]
        for body in refused {
            #expect(audit.send("PUT", "sys/audit/file", body).status == 400, "\(body)")
        }
        try audit.enable("file")
        #expect(
            audit.send("PUT", "sys/audit/file/nested", ["type": "file", "options": ["file_path": "stdout"]]).status
                == 400)
        #expect(audit.send("GET", "sys/audit").body?["data"]?.objectValue?.keys.sorted() == ["file/"])
        #expect(try audit.core.storage.keys(prefix: "audit/").count == 1, "one salt, for the one device")
        #expect(!FileManager.default.fileExists(atPath: audit.file("no-such-directory")))
    }

    @Test func replicatedDevicesLiveOutsideLocalAndLocalOnesBelowIt() throws {
        try audit.enable("shared", file: "shared.log")
        try audit.enable("here", file: "here.log", local: true)
        #expect(audit.send("GET", "sys/audit").body?["data"]?["here/"]?["local"] == true)
        let node = try audit.core.unsealedNode()
        let shared = try #require(node.audit.device(at: "shared/")).entry
        let here = try #require(node.audit.device(at: "here/")).entry

        let keys = try audit.core.storage.keys(prefix: "")
        #expect(keys.contains("sys/audit-table") && keys.contains("local/sys/audit-table"))
        #expect(keys.contains("audit/\(shared.uuid)/salt"))
        #expect(keys.contains("local/audit/\(here.uuid)/salt"))
        #expect(DataClass.of("audit/\(shared.uuid)/salt") == .replicated)
        let replicatedTable = String(
            decoding: try #require(try audit.core.barrier.get("sys/audit-table")), as: UTF8.self)
        #expect(replicatedTable.contains("shared/") && !replicatedTable.contains("here/"))

        // The salt is stored through the barrier: what lies in storage is not the salt itself.
        let salt = try #require(try audit.core.barrier.get("audit/\(shared.uuid)/salt"))
        let physical = try #require(try audit.core.storage.get("audit/\(shared.uuid)/salt"))
        #expect(salt.count == 32 && physical != salt && !physical.contains(salt))
    }

    @Test func onASecondaryOnlyLocalDevicesAreEnabledHere() throws {
        audit.core.setReplicatedWrites(.forward)
        let options: JSON = ["file_path": .string(audit.file("audit.log"))]
        #expect(audit.send("PUT", "sys/audit/shared", ["type": "file", "options": options]).status == 421)
        #expect(audit.send("PUT", "sys/audit/here", ["type": "file", "options": options, "local": true]).status == 204)
        #expect(audit.send("GET", "sys/audit").body?["data"]?.objectValue?.keys.sorted() == ["here/"])
    }

    @Test func enablingDisablingAndHashingNeedSudo() throws {
        let policy = """
            path "sys/audit*" { capabilities = ["create", "read", "update", "delete", "list"] }
            path "sys/audit-hash/*" { capabilities = ["update"] }
            """
        #expect(audit.send("PUT", "sys/policies/acl/auditor", ["policy": .string(policy)]).status == 204)
        let created = audit.send("POST", "auth/token/create", ["policies": ["auditor"]])
        let token = try #require(created.body?["auth"]?["client_token"]?.stringValue)
        let options: JSON = ["file_path": .string(audit.file("audit.log"))]
        #expect(audit.send("PUT", "sys/audit/file", ["type": "file", "options": options], token: token).status == 403)
        #expect(audit.send("GET", "sys/audit", token: token).status == 403)
        try audit.enable("file")
        #expect(audit.send("POST", "sys/audit-hash/file", ["input": "x"], token: token).status == 403)
        #expect(audit.send("DELETE", "sys/audit/file", token: token).status == 403)
        #expect(audit.send("GET", "sys/audit").body?["data"]?["file/"] != nil)
    }

    @Test func devicesSurviveSealAndUnsealAndKeepTheirSalt() throws {
        try audit.enable("file")
        let before = try audit.hash("value")
        audit.core.seal()
        _ = try audit.core.unseal(share: Hex.encode(audit.node.unsealKey), reset: false)
        #expect(try audit.hash("value") == before)
        #expect(audit.send("GET", "secret/data/after-unseal").status == 404)
        #expect(try audit.entries("request", path: "secret/data/after-unseal").count == 1)
    }

    @Test func aTableChangedByReplicationIsReloaded() throws {
        try audit.enable("first", file: "first.log")
        // Another writer (the primary, through replication) adds a device underneath this node.
        let writer = try AuditRegistry(store: audit.core.barrier)
        var entry = MountRegistry.makeEntry(
            path: "second/", type: "file", local: false, options: ["file_path": audit.file("second.log")],
            kind: .audit)
        entry.description = "from the primary"
        try writer.enable(entry)
        #expect(audit.send("GET", "sys/audit").body?["data"]?["second/"] == nil)

        audit.core.replicatedEntriesChanged(["sys/audit-table", "audit/\(entry.uuid)/salt"])
        #expect(audit.send("GET", "sys/audit").body?["data"]?["second/"]?["description"] == "from the primary")
        #expect(audit.send("GET", "secret/data/both").status == 404)
        #expect(try audit.entries("request", path: "secret/data/both", in: "first.log").count == 1)
        #expect(try audit.entries("request", path: "secret/data/both", in: "second.log").count == 1)
        #expect(try audit.hash("x", device: "second") == (try writer.device(at: "second/")?.hash("x")))
    }
}
