import CofferBase
import CofferStorage
import Testing

@testable import CofferCore

/// `sys/auth`: listing, enabling, tuning and disabling auth methods, and where their data lives.
struct AuthEndpointTests {
    let node: AuthTestNode

    init() throws {
        node = try AuthTestNode()
    }

    @Test func theTokenMethodIsAlwaysListedAndCannotBeDisabled() {
        let listing = node.send("GET", "sys/auth")
        #expect(listing.status == 200)
        #expect(listing.body?["data"]?["token/"]?["type"] == "token")
        #expect(listing.body?["token/"]?["type"] == "token", "Vault repeats the map at the top level")
        #expect(listing.body?["data"]?["token/"]?["accessor"]?.stringValue?.hasPrefix("auth_token_") == true)
        let refused = node.send("DELETE", "sys/auth/token")
        #expect(refused.status == 400)
        #expect(AuthTestNode.errors(refused) == ["token credential backend cannot be disabled"])
        #expect(node.send("POST", "sys/auth/token", ["type": "token"]).status == 400)
        #expect(node.send("POST", "sys/auth/other", ["type": "token"]).status == 400)
    }

    @Test func enabledMethodsAreListedInVaultsShape() throws {
        let enable = node.send(
            "POST", "sys/auth/people",
            [
                "type": "userpass", "description": "humans",
                "config": ["default_lease_ttl": "1h", "max_lease_ttl": "0s"],
            ])
        #expect(enable.status == 204)
        let entry = try #require(node.send("GET", "sys/auth").body?["data"]?["people/"])
        #expect(entry["type"] == "userpass")
        #expect(entry["description"] == "humans")
        #expect(entry["local"] == false)
        #expect(entry["config"]?["default_lease_ttl"] == 3600)
        #expect(entry["config"]?["token_type"] == "default-service")
        let accessor = try #require(entry["accessor"]?.stringValue)
        #expect(accessor.hasPrefix("auth_userpass_") && accessor.count == "auth_userpass_".count + 8)
        #expect(entry["uuid"]?.stringValue?.count == 36)
        #expect(node.send("GET", "sys/auth/people").body?["data"]?["accessor"]?.stringValue == accessor)
    }

    @Test func conflictingUnknownOrMalformedEnablesAreRefusedAndChangeNothing() throws {
        try node.enable("userpass")
        #expect(node.send("POST", "sys/auth/userpass", ["type": "approle"]).status == 400)
        #expect(node.send("POST", "sys/auth/userpass/nested", ["type": "approle"]).status == 400)
        #expect(node.send("POST", "sys/auth/ldap", ["type": "ldap"]).status == 400)
        #expect(node.send("POST", "sys/auth/missing", [:]).status == 400)
        #expect(node.send("POST", "sys/auth/bad", ["type": "approle", "local": "perhaps"]).status == 400)
        #expect(node.send("POST", "sys/auth/bad", ["type": "approle", "config": "1h"]).status == 400)
        #expect(node.send("POST", "sys/auth/bad", .array([])).status == 400)
        let bad = node.send(
            "POST", "sys/auth/bad", ["type": "approle", "config": ["default_lease_ttl": "2h", "max_lease_ttl": "1h"]])
        #expect(bad.status == 400)
        let keys = node.send("GET", "sys/auth").body?["data"]?.objectValue?.keys.sorted()
        #expect(keys == ["token/", "userpass/"])
    }

    @Test func tuneReadsDefaultsAndChangesTTLsAndDescription() throws {
        try node.enable("approle")
        let defaults = node.send("GET", "sys/auth/approle/tune").body?["data"]
        #expect(defaults?["default_lease_ttl"] == 2_764_800)
        #expect(defaults?["max_lease_ttl"] == 2_764_800)
        let tune = node.send(
            "POST", "sys/auth/approle/tune", ["default_lease_ttl": "30m", "max_lease_ttl": "2h", "description": "apps"])
        #expect(tune.status == 204)
        let tuned = node.send("GET", "sys/auth/approle/tune").body?["data"]
        #expect(tuned?["default_lease_ttl"] == 1800)
        #expect(tuned?["max_lease_ttl"] == 7200)
        #expect(tuned?["description"] == "apps")
        #expect(node.send("POST", "sys/auth/approle/tune", ["default_lease_ttl": "3h"]).status == 400)
        #expect(node.send("POST", "sys/auth/approle/tune", ["max_lease_ttl": "soon"]).status == 400)
        #expect(node.send("GET", "sys/auth/nothing/tune").status == 400)
        #expect(node.send("GET", "sys/auth/approle/tune").body?["data"]?["max_lease_ttl"] == 7200)
    }

    @Test func replicatedMethodsLiveOutsideLocalAndLocalOnesBelowIt() throws {
        try node.enable("userpass")
        try node.enable("approle", at: "machines", local: true)
        #expect(node.send("POST", "auth/userpass/users/alice", ["password": "pw"]).status == 204)
        #expect(node.send("POST", "auth/machines/role/ci", [:]).status == 204)
        let shared = try node.authMount("userpass/")
        let local = try node.authMount("machines/")
        #expect(node.send("GET", "sys/auth").body?["data"]?["machines/"]?["local"] == true)

        let keys = try node.core.storage.keys(prefix: "")
        #expect(keys.contains("sys/auth-table"))
        #expect(keys.contains("local/sys/auth-table"))
        let sharedKeys = keys.filter { $0.contains(shared.uuid) }
        let localKeys = keys.filter { $0.contains(local.uuid) }
        #expect(sharedKeys.contains("auth/\(shared.uuid)/user/alice"))
        #expect(sharedKeys.allSatisfy { DataClass.of($0) == .replicated })
        #expect(localKeys.contains("local/auth/\(local.uuid)/role/ci"))
        #expect(localKeys.allSatisfy { DataClass.of($0) == .local })
        let replicatedTable = try #require(try node.core.barrier.get("sys/auth-table"))
        #expect(!String(decoding: replicatedTable, as: UTF8.self).contains("machines/"))
    }

    @Test func disablingRemovesTheMethodsDataAndRevokesItsTokens() throws {
        try node.enable("userpass")
        let mount = try node.authMount("userpass/")
        #expect(node.send("POST", "auth/userpass/users/alice", ["password": "pw"]).status == 204)
        let login = node.anonymous("POST", "auth/userpass/login/alice", ["password": "pw"])
        let token = try #require(login.body?["auth"]?["client_token"]?.stringValue)
        #expect(node.send("GET", "auth/token/lookup-self", token: token).status == 200)

        #expect(node.send("DELETE", "sys/auth/userpass").status == 204)
        #expect(try node.core.storage.keys(prefix: "auth/\(mount.uuid)/").isEmpty)
        #expect(node.send("GET", "auth/token/lookup-self", token: token).status == 403)
        #expect(node.send("GET", "auth/userpass/users/alice").status == 404)
        #expect(node.send("DELETE", "sys/auth/userpass").status == 204, "disabling twice is not an error")

        try node.enable("userpass")
        #expect(node.send("GET", "auth/userpass/users/alice").status == 404)
    }

    @Test func theAuthTableSurvivesSealAndUnseal() throws {
        try node.enable("approle", at: "ci", local: true)
        try node.enable("userpass")
        node.core.seal()
        _ = try node.core.unseal(share: Hex.encode(node.unsealKey), reset: false)
        let keys = node.send("GET", "sys/auth").body?["data"]?.objectValue?.keys.sorted()
        #expect(keys == ["ci/", "token/", "userpass/"])
    }

    @Test func onASecondaryOnlyLocalMethodsAreEnabledHere() throws {
        node.core.setReplicatedWrites(.forward)
        #expect(node.send("POST", "sys/auth/shared", ["type": "userpass"]).status == 421)
        #expect(node.send("POST", "sys/auth/here", ["type": "userpass", "local": true]).status == 204)
        #expect(node.send("POST", "auth/here/users/bob", ["password": "pw"]).status == 204)
    }
}
