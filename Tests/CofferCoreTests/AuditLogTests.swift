import CofferBase
import CofferCrypto
import CofferStorage
import Foundation
import Testing

@testable import CofferCore

/// What a file audit device writes: Vault's entry shapes, with tokens and data hashed under the
/// device's salt unless it logs raw.
struct AuditLogTests {
    let audit: AuditTestNode

    init() throws {
        audit = try AuditTestNode()
    }

    @Test func aWriteIsLoggedAsARequestAndAResponseWithEverySecretHashed() throws {
        try audit.enable("file")
        let write = audit.send("PUT", "secret/data/app", ["data": ["password": "hunter2", "pin": 1234]])
        #expect(write.status == 200)
        let request = try #require(try audit.entries("request", path: "secret/data/app").first)
        let response = try #require(try audit.entries("response", path: "secret/data/app").first)

        #expect(request["time"]?.stringValue?.hasSuffix("Z") == true)
        let rootToken = try audit.hash(audit.node.root)
        #expect(request["auth"]?["client_token"]?.stringValue == rootToken)
        #expect(request["auth"]?["accessor"]?.stringValue?.hasPrefix("hmac-sha256:") == true)
        #expect(request["auth"]?["policies"] == ["root"] && request["auth"]?["token_policies"] == ["root"])
        #expect(request["auth"]?["display_name"] == "root" && request["auth"]?["token_type"] == "service")
        #expect(request["request"]?["operation"] == "update")
        #expect(request["request"]?["mount_type"] == "kv" && request["request"]?["mount_point"] == "secret/")
        #expect(request["request"]?["client_token"]?.stringValue == rootToken)
        #expect(request["request"]?["client_token_accessor"] == request["auth"]?["accessor"])
        #expect(request["request"]?["namespace"] == ["id": "root"])
        #expect(request["request"]?["data"]?["data"]?["password"]?.stringValue == (try audit.hash("hunter2")))
        #expect(request["request"]?["data"]?["data"]?["pin"] == 1234, "Vault hashes strings only")

        #expect(response["request"]?["id"] == request["request"]?["id"])
        #expect(write.body?["request_id"] == request["request"]?["id"], "the client's request_id is the audited one")
        #expect(response["response"]?["data"]?["version"] == 1)
        #expect(response["response"]?["data"]?["created_time"]?.stringValue?.hasPrefix("hmac-sha256:") == true)
        #expect(response["error"] == nil)

        let read = audit.send("GET", "secret/data/app")
        #expect(read.status == 200)
        let readResponse = try #require(try audit.entries("response", path: "secret/data/app").last)
        #expect(readResponse["request"]?["operation"] == "read")
        #expect(readResponse["response"]?["data"]?["data"]?["password"]?.stringValue == (try audit.hash("hunter2")))

        let text = audit.text()
        #expect(!text.contains("hunter2") && !text.contains(audit.node.root))
    }

    @Test func logRawWritesTokensAndDataInClear() throws {
        try audit.enable("raw", file: "raw.log", options: ["log_raw": true])
        #expect(audit.send("PUT", "secret/data/app", ["data": ["password": "hunter2"]]).status == 200)
        let request = try #require(try audit.entries("request", path: "secret/data/app", in: "raw.log").first)
        #expect(request["auth"]?["client_token"]?.stringValue == audit.node.root)
        #expect(request["request"]?["data"]?["data"]?["password"] == "hunter2")
        #expect(request["auth"]?["accessor"]?.stringValue?.hasPrefix("hmac-sha256:") == false)
    }

    @Test func hmacAccessorOffKeepsAccessorsReadableButStillHashesTokens() throws {
        try audit.enable("file", options: ["hmac_accessor": "false"])
        let lookup = audit.send("GET", "auth/token/lookup-self")
        let accessor = try #require(lookup.body?["data"]?["accessor"]?.stringValue)
        let request = try #require(try audit.entries("request", path: "auth/token/lookup-self").first)
        #expect(request["auth"]?["accessor"]?.stringValue == accessor)
        #expect(request["request"]?["client_token_accessor"]?.stringValue == accessor)
        #expect(request["auth"]?["client_token"]?.stringValue == (try audit.hash(audit.node.root)))
        #expect(request["request"]?["mount_type"] == "token")
        let response = try #require(try audit.entries("response", path: "auth/token/lookup-self").first)
        #expect(response["response"]?["data"]?["id"]?.stringValue == (try audit.hash(audit.node.root)))
    }

    @Test func eachDeviceHashesWithItsOwnSaltAndAuditHashMatchesItsLog() throws {
        try audit.enable("one", file: "one.log")
        try audit.enable("two", file: "two.log")
        #expect(audit.send("PUT", "secret/data/app", ["data": ["password": "hunter2"]]).status == 200)
        let first = try audit.hash("hunter2", device: "one")
        let second = try audit.hash("hunter2", device: "two")
        #expect(first != second)
        #expect(first.hasPrefix("hmac-sha256:") && first.count == "hmac-sha256:".count + 64)
        #expect(audit.text("one.log").contains(first) && !audit.text("one.log").contains(second))
        #expect(audit.text("two.log").contains(second))
        let node = try audit.core.unsealedNode()
        let salt = try #require(try audit.core.barrier.get(node.audit.device(at: "one/")!.entry.dataPrefix + "salt"))
        #expect(first == "hmac-sha256:" + Hex.encode(HMACSHA256.authenticate(Array("hunter2".utf8), key: salt)))
    }

    @Test func theInputOfAuditHashIsNeverLogged() throws {
        try audit.enable("raw", file: "raw.log", options: ["log_raw": "true"])
        let reply = audit.send("POST", "sys/audit-hash/raw", ["input": "needle-in-the-log"])
        #expect(reply.status == 200)
        let request = try #require(try audit.entries("request", path: "sys/audit-hash/raw", in: "raw.log").first)
        #expect(request["request"]?["data"] == nil)
        #expect(!audit.text("raw.log").contains("needle-in-the-log"))
    }

    @Test func loginsAndIssuedTokensAreHashedInTheResponseAuth() throws {
        try audit.node.enable("userpass")
        try audit.enable("file")
        #expect(audit.send("POST", "auth/userpass/users/alice", ["password": "wonderland"]).status == 204)
        let login = audit.node.anonymous("POST", "auth/userpass/login/alice", ["password": "wonderland"])
        let token = try #require(login.body?["auth"]?["client_token"]?.stringValue)
        let request = try #require(try audit.entries("request", path: "auth/userpass/login/alice").first)
        #expect(request["auth"] == ["token_type": "default"])
        #expect(request["request"]?["mount_type"] == "userpass")
        let response = try #require(try audit.entries("response", path: "auth/userpass/login/alice").first)
        #expect(response["response"]?["auth"]?["client_token"]?.stringValue == (try audit.hash(token)))
        #expect(response["response"]?["auth"]?["policies"] == ["default"])
        #expect(!audit.text().contains(token) && !audit.text().contains("wonderland"))
    }

    @Test func wrappedResponsesLogTheirWrappingTokenHashed() throws {
        try audit.enable("file")
        #expect(audit.send("PUT", "secret/data/app", ["data": ["password": "hunter2"]]).status == 200)
        let wrapped = audit.send("GET", "secret/data/app", wrapTTL: 60)
        let token = try #require(wrapped.body?["wrap_info"]?["token"]?.stringValue)
        let request = try #require(try audit.entries("request", path: "secret/data/app").last)
        #expect(request["request"]?["wrap_ttl"] == 60)
        let response = try #require(try audit.entries("response", path: "secret/data/app").last)
        let info = try #require(response["response"]?["wrap_info"])
        #expect(info["token"]?.stringValue == (try audit.hash(token)) && info["ttl"] == 60)
        #expect(info["accessor"]?.stringValue?.hasPrefix("hmac-sha256:") == true)

        let unwrap = audit.send("POST", "sys/wrapping/unwrap", nil, token: token)
        #expect(unwrap.status == 200)
        let unwrapRequest = try #require(try audit.entries("request", path: "sys/wrapping/unwrap").first)
        #expect(unwrapRequest["auth"]?["client_token"]?.stringValue == (try audit.hash(token)))
        #expect(!audit.text().contains(token) && !audit.text().contains("hunter2"))
    }

    @Test func refusedRequestsAreLoggedWithTheirError() throws {
        try audit.enable("file")
        #expect(audit.send("GET", "secret/data/app", token: "not-a-token").status == 403)
        let request = try #require(try audit.entries("request", path: "secret/data/app").first)
        #expect(request["auth"]?["client_token"]?.stringValue == (try audit.hash("not-a-token")))
        let response = try #require(try audit.entries("response", path: "secret/data/app").first)
        #expect(response["error"] == "permission denied")
        #expect(!audit.text().contains("not-a-token"))
    }

    @Test func thePrefixAndModeOptionsShapeTheFile() throws {
        try audit.enable("file", options: ["prefix": "coffer:", "mode": "0640"])
        #expect(audit.send("GET", "sys/audit").status == 200)
        let lines = audit.text().split(separator: "\n")
        #expect(lines.count == 2 && lines.allSatisfy { $0.hasPrefix("coffer:{") })
        let attributes = try FileManager.default.attributesOfItem(atPath: audit.file("audit.log"))
        #expect(attributes[.posixPermissions] as? Int == 0o640)
    }

    @Test func withoutDevicesNoTrailIsMade() throws {
        #expect(audit.core.auditTrail(for: VaultRequest(method: "GET", path: "secret/data/x")) == nil)
        try audit.enable("file")
        #expect(audit.core.auditTrail(for: VaultRequest(method: "GET", path: "secret/data/x")) != nil)
        #expect(audit.send("GET", "sys/seal-status").status == 200)
        #expect(try audit.entries().allSatisfy { $0["request"]?["path"] != "sys/seal-status" })
    }
}
