import CofferBase
import CofferStorage
import Foundation
import Testing

@testable import CofferCore

/// Failing closed: with devices enabled, a request no device can record is refused and changes
/// nothing; a response no device can record turns into a 500 that says the request ran.
struct AuditFailClosedTests {
    let audit: AuditTestNode

    init() throws {
        audit = try AuditTestNode()
    }

    @Test func aRequestNoDeviceCanRecordIsRefusedAndCommitsNothing() throws {
        try audit.enable("file")
        let keysBefore = try audit.core.storage.keys(prefix: "")
        try audit.removeDirectory()

        let write = audit.send("PUT", "secret/data/refused", ["data": ["password": "hunter2"]])
        #expect(write.status == 500)
        #expect(AuthTestNode.errors(write) == ["the request was refused because no audit device could record it"])
        #expect(try audit.core.storage.keys(prefix: "") == keysBefore, "nothing was committed")
        #expect(audit.send("POST", "sys/policies/acl/refused", ["policy": "path \"x\" {}"]).status == 500)
        #expect(try audit.core.storage.keys(prefix: "") == keysBefore)

        let logs = audit.node.logs.lines.joined(separator: "\n")
        #expect(logs.contains("audit device could not record an entry") && logs.contains("audit.path=file/"))
        #expect(logs.contains("refused a request because no audit device recorded it"))
        #expect(!logs.contains("hunter2") && !logs.contains(audit.node.root))

        // Once the directory is back the device opens its log again, and the refused write is not there.
        try audit.recreateDirectory()
        #expect(audit.send("GET", "secret/data/refused").status == 404)
        #expect(audit.send("GET", "sys/policies/acl/refused").status == 404)
        #expect(try audit.entries("request", path: "secret/data/refused").count == 1)
    }

    @Test func aTokenWithLimitedUsesIsNotSpentByARefusedRequest() throws {
        try audit.enable("file")
        let created = audit.send("POST", "auth/token/create", ["num_uses": 2, "policies": ["default"]])
        let token = try #require(created.body?["auth"]?["client_token"]?.stringValue)
        try audit.removeDirectory()
        #expect(audit.send("GET", "auth/token/lookup-self", token: token).status == 500)
        try audit.recreateDirectory()
        let lookup = audit.send("GET", "auth/token/lookup-self", token: token)
        #expect(lookup.body?["data"]?["num_uses"] == 1, "only this request spent a use")
    }

    @Test func oneWorkingDeviceIsEnoughAndTheBrokenOneIsReported() throws {
        let elsewhere = try AuditTestNode()
        try audit.enable("fragile")
        let stable = elsewhere.file("stable.log")
        let enable = audit.send("PUT", "sys/audit/stable", ["type": "file", "options": ["file_path": .string(stable)]])
        #expect(enable.status == 204)
        try audit.removeDirectory()

        #expect(audit.send("PUT", "secret/data/app", ["data": ["password": "hunter2"]]).status == 200)
        #expect(try elsewhere.entries("response", path: "secret/data/app", in: "stable.log").count == 1)
        let failures = audit.node.logs.lines.filter { $0.contains("could not record") }
        #expect(!failures.isEmpty && failures.allSatisfy { $0.contains("audit.path=fragile/") })
    }

    @Test func aResponseNoDeviceCanRecordTurnsIntoAnErrorThatSaysTheRequestRan() throws {
        try audit.enable("file")
        let request = VaultRequest(method: "PUT", path: "secret/data/app", body: ["data": ["k": "v"]], token: "t")
        let trail = try #require(audit.core.auditTrail(for: request))
        try trail.recordRequest(caller: nil)
        try audit.removeDirectory()
        let answer = trail.finish(VaultResponse(status: 200, body: ["request_id": "x", "data": ["version": 1]]))
        #expect(answer.status == 500)
        #expect(
            AuthTestNode.errors(answer) == ["the request was executed, but no audit device could record its response"])
        #expect(
            audit.node.logs.lines.contains { $0.contains("a request ran but no audit device recorded its response") })
    }

    @Test func aReplacedOrRemovedLogFileIsOpenedAgain() throws {
        try audit.enable("file")
        #expect(audit.send("GET", "secret/data/one").status == 404)
        let rotated = audit.file("audit.log.1")
        try FileManager.default.moveItem(atPath: audit.file("audit.log"), toPath: rotated)
        #expect(audit.send("GET", "secret/data/two").status == 404)
        #expect(try audit.entries("request", path: "secret/data/two").count == 1, "a rotated log starts anew")
        #expect(try audit.entries("request", path: "secret/data/two", in: "audit.log.1").isEmpty)
        let attributes = try FileManager.default.attributesOfItem(atPath: audit.file("audit.log"))
        #expect(attributes[.posixPermissions] as? Int == 0o600)
    }
}
