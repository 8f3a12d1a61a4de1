import CofferBase
import CofferStorage
import Testing

@testable import CofferCore

/// The request pipeline in process: tokens, policies, routing and Vault's response shapes.
struct CoreRequestTests {
    let core: Core
    let root = "root-token"

    init() throws {
        core = try CoreLifecycleTests.makeCore()
        _ = try core.bootstrapDevelopment(rootTokenID: root)
    }

    private func send(_ method: String, _ path: String, _ body: JSON? = nil, token: String? = nil) -> VaultResponse {
        core.handle(VaultRequest(method: method, path: path, body: body, token: token ?? root))
    }

    private func createToken(_ body: JSON) throws -> String {
        let reply = send("POST", "auth/token/create", body)
        return try #require(reply.body?["auth"]?["client_token"]?.stringValue, "\(String(describing: reply.body))")
    }

    @Test func missingOrUnknownTokenIsForbidden() {
        #expect(core.handle(VaultRequest(method: "GET", path: "secret/data/x")).status == 403)
        #expect(send("GET", "secret/data/x", token: "hvs.unknown").status == 403)
    }

    @Test func policiesAreEnforcedAndDenyWins() throws {
        let document = """
            path "secret/data/app/*" { capabilities = ["create", "read", "update"] }
            path "secret/data/app/locked" { capabilities = ["deny"] }
            """
        #expect(send("PUT", "sys/policies/acl/app", ["policy": .string(document)]).status == 204)
        let token = try createToken(["policies": ["app"]])
        #expect(send("PUT", "secret/data/app/one", ["data": ["k": "v"]], token: token).status == 200)
        #expect(send("GET", "secret/data/app/one", token: token).status == 200)
        #expect(send("PUT", "secret/data/app/locked", ["data": ["k": "v"]], token: token).status == 403)
        #expect(send("GET", "secret/data/other", token: token).status == 403)
        #expect(send("PUT", "sys/mounts/x", ["type": "kv"], token: token).status == 403)
        #expect(send("GET", "auth/token/lookup-self", token: token).status == 200)
    }

    @Test func invalidPolicyIsRefusedAndNothingIsStored() {
        #expect(send("PUT", "sys/policy/broken", ["policy": "path \"x\" { capabilities = [\"fly\"] }"]).status == 400)
        #expect(send("GET", "sys/policy/broken").status == 404)
        #expect(send("DELETE", "sys/policy/root").status == 400)
        #expect(send("DELETE", "sys/policy/default").status == 400)
    }

    @Test func childPoliciesMustBeASubsetOfTheParent() throws {
        _ = send("PUT", "sys/policy/a", ["policy": "path \"auth/token/create\" { capabilities = [\"update\"] }"])
        let parent = try createToken(["policies": ["a"]])
        #expect(send("POST", "auth/token/create", ["policies": ["a"]], token: parent).status == 200)
        #expect(send("POST", "auth/token/create", ["policies": ["root"]], token: parent).status == 400)
    }

    @Test func useCountIsSpentAndTheTokenDiesAfterItsLastUse() throws {
        let token = try createToken(["num_uses": 2])
        let first = send("GET", "auth/token/lookup-self", token: token)
        #expect(first.body?["data"]?["num_uses"] == 1)
        #expect(send("GET", "auth/token/lookup-self", token: token).status == 200)
        #expect(send("GET", "auth/token/lookup-self", token: token).status == 403)
    }

    @Test func expiredTokenIsRefusedAndRevoked() throws {
        let token = try createToken(["ttl": "1h"])
        let node = try core.unsealedNode()
        var entry = try #require(try node.tokens.lookup(token: token))
        #expect(entry.expireTime != nil)
        entry.expireTime = Clock.now().seconds - 1
        let view = StorageView(store: core.barrier, prefix: "local/token/")
        try view.put("id/" + entry.hash, entry.serialized())
        node.tokens.clearCache()
        #expect(send("GET", "auth/token/lookup-self", token: token).status == 403)
        #expect(try view.get("id/" + entry.hash) == nil)
    }

    @Test func tokensAreStoredOnlyAsSaltedHashes() throws {
        let token = try createToken([:])
        for key in try core.storage.keys(prefix: "") {
            #expect(!key.contains(token))
            let plain = try? core.barrier.get(key)
            #expect(!String(decoding: plain ?? [], as: UTF8.self).contains(token))
        }
    }

    @Test func revokingAParentRevokesItsChildrenButNotOrphans() throws {
        let parent = try createToken([:])
        let childReply = send("POST", "auth/token/create", [:], token: parent)
        let child = try #require(childReply.body?["auth"]?["client_token"]?.stringValue)
        let orphan = try createToken(["no_parent": true])
        #expect(send("POST", "auth/token/revoke", ["token": .string(parent)]).status == 204)
        #expect(send("GET", "auth/token/lookup-self", token: child).status == 403)
        #expect(send("GET", "auth/token/lookup-self", token: orphan).status == 200)
    }

    @Test func lookupAndRevokeByAccessor() throws {
        let reply = send("POST", "auth/token/create", ["policies": ["default"]])
        let accessor = try #require(reply.body?["auth"]?["accessor"]?.stringValue)
        let token = try #require(reply.body?["auth"]?["client_token"]?.stringValue)
        let lookup = send("POST", "auth/token/lookup-accessor", ["accessor": .string(accessor)])
        #expect(lookup.body?["data"]?["id"] == "")
        #expect(lookup.body?["data"]?["policies"] == ["default"])
        #expect(send("POST", "auth/token/revoke-accessor", ["accessor": .string(accessor)]).status == 204)
        #expect(send("GET", "auth/token/lookup-self", token: token).status == 403)
    }

    @Test func renewExtendsARenewableToken() throws {
        let token = try createToken(["ttl": "10m"])
        let renewed = send("POST", "auth/token/renew-self", ["increment": "1h"], token: token)
        #expect(renewed.body?["auth"]?["lease_duration"] == 3600)
    }

    @Test func mountsEnableTuneDisableAndLocalFlag() {
        #expect(
            send("POST", "sys/mounts/team", ["type": "kv", "local": true, "options": ["version": "2"]]).status == 204)
        #expect(send("POST", "sys/mounts/team", ["type": "kv"]).status == 400)
        #expect(send("POST", "sys/mounts/team/nested", ["type": "kv"]).status == 400)
        let listing = send("GET", "sys/mounts")
        #expect(listing.body?["data"]?["team/"]?["local"] == true)
        #expect(listing.body?["team/"]?["type"] == "kv")
        #expect(send("POST", "sys/mounts/team/tune", ["default_lease_ttl": "1h"]).status == 204)
        #expect(send("GET", "sys/mounts/team/tune").body?["data"]?["default_lease_ttl"] == 3600)
        #expect(send("PUT", "team/data/x", ["data": ["a": "b"]]).status == 200)
        #expect(send("DELETE", "sys/mounts/team").status == 204)
        #expect(send("GET", "team/data/x").status == 404)
        #expect(send("POST", "sys/mounts/sys", ["type": "kv"]).status == 400)
    }

    @Test func localMountDataLivesUnderTheLocalPrefix() throws {
        #expect(send("POST", "sys/mounts/here", ["type": "kv", "local": true]).status == 204)
        #expect(send("PUT", "here/k", ["v": "1"]).status == 204)
        let keys = try core.storage.keys(prefix: "")
        let mount = try #require(try core.unsealedNode().mounts.table.entries["here/"])
        #expect(keys.contains { $0.hasPrefix("local/logical/\(mount.uuid)/") })
        #expect(DataClass.of("local/logical/\(mount.uuid)/k") == .local)
        #expect(DataClass.of("sys/policy/default") == .replicated)
    }

    @Test func unknownPathAndMethodAndEmptyResults() {
        #expect(send("GET", "nowhere/x").status == 404)
        #expect(send("OPTIONS", "secret/data/x").status == 405)
        #expect(send("GET", "secret/data/missing").status == 404)
        let error = send("GET", "nowhere/x")
        #expect(error.body?["errors"]?.arrayValue?.isEmpty == false)
    }

    @Test func rotateAndKeyStatus() {
        #expect(send("GET", "sys/key-status").body?["data"]?["term"] == 1)
        #expect(send("PUT", "secret/data/before", ["data": ["a": "1"]]).status == 200)
        #expect(send("PUT", "sys/rotate").status == 204)
        #expect(send("GET", "sys/key-status").body?["data"]?["term"] == 2)
        #expect(send("GET", "secret/data/before").body?["data"]?["data"]?["a"] == "1")
    }

    @Test func healthHonoursCodeOverrides() {
        let health = core.handle(VaultRequest(method: "GET", path: "sys/health", query: ["activecode": "299"]))
        #expect(health.status == 299)
        #expect(
            core.handle(VaultRequest(method: "GET", path: "sys/health", query: ["activecode": "abc"])).status == 400)
        core.seal()
        #expect(core.handle(VaultRequest(method: "HEAD", path: "sys/health")).status == 503)
        #expect(
            core.handle(VaultRequest(method: "GET", path: "sys/health", query: ["sealedcode": "200"])).status == 200)
    }
}
