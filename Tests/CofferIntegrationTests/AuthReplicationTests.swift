import CofferBase
import CofferTestSupport
import Foundation
import Testing

/// Auth methods across a primary and a secondary cluster: the methods and their users and roles
/// replicate, tokens do not, and a secondary logs clients in even while its primary is down.
@Suite(.serialized)
struct AuthReplicationTests {
    private func login(_ node: ReplicationNode, _ path: String, _ body: JSON) throws -> VaultTestClient.Reply {
        var anonymous = node.client
        anonymous.token = nil
        return try anonymous.put(path, body)
    }

    private func clientToken(_ reply: VaultTestClient.Reply) throws -> String {
        try #require(reply.json?["auth"]?["client_token"]?.stringValue, "login: \(reply.raw)")
    }

    @Test func usersAndRolesMadeOnThePrimaryLogInOnTheSecondary() throws {
        let pair = try ReplicatedPair()
        let (primary, secondary) = (pair.primary, pair.secondary)
        #expect(try primary.client.put("sys/auth/userpass", ["type": "userpass"]).status == 204)
        #expect(try primary.client.put("auth/userpass/users/alice", ["password": "primary-pw"]).status == 204)
        try pair.activate()

        // A user created before and one created after activation both log in on the secondary.
        #expect(try primary.client.put("auth/userpass/users/bob", ["password": "bob-pw"]).status == 204)
        #expect(pair.waitUntilConverged())
        let aliceToken = try clientToken(
            try login(secondary, "auth/userpass/login/alice", ["password": "primary-pw"]))
        let bobReply = try login(secondary, "auth/userpass/login/bob", ["password": "bob-pw"])
        #expect(bobReply.status == 200, "\(bobReply.raw)")
        #expect(try login(secondary, "auth/userpass/login/bob", ["password": "wrong"]).status == 400)

        // The token exists only where it was issued.
        var onSecondary = secondary.client
        onSecondary.token = aliceToken
        #expect(try onSecondary.get("auth/token/lookup-self").json?["data"]?["meta"]?["username"] == "alice")
        var onPrimary = primary.client
        onPrimary.token = aliceToken
        #expect(try onPrimary.get("auth/token/lookup-self").status == 403)

        // A user written through the secondary is made on the primary; a local method stays here.
        #expect(try secondary.client.put("auth/userpass/users/carol", ["password": "carol-pw"]).status == 204)
        #expect(try login(primary, "auth/userpass/login/carol", ["password": "carol-pw"]).status == 200)
        let local = try secondary.client.put("sys/auth/site", ["type": "userpass", "local": true])
        #expect(local.status == 204, "\(local.raw)")
        #expect(try secondary.client.put("auth/site/users/dave", ["password": "dave-pw"]).status == 204)
        #expect(try primary.client.get("sys/auth").json?["data"]?["site/"] == nil)
        #expect(try login(secondary, "auth/site/login/dave", ["password": "dave-pw"]).status == 200)

        // Disabling a method on the primary revokes the tokens it issued on the secondary.
        #expect(try primary.client.put("sys/auth/temp", ["type": "userpass"]).status == 204)
        #expect(try primary.client.put("auth/temp/users/erin", ["password": "erin-pw"]).status == 204)
        #expect(pair.waitUntilConverged())
        var erin = secondary.client
        erin.token = try clientToken(try login(secondary, "auth/temp/login/erin", ["password": "erin-pw"]))
        #expect(try erin.get("auth/token/lookup-self").status == 200)
        #expect(try primary.client.send("DELETE", "sys/auth/temp").status == 204)
        #expect(eventually { (try? erin.get("auth/token/lookup-self"))?.status == 403 }, "\(secondary.logs)")

        // AppRole: a limited secret ID issued on the primary is spent on the secondary, with the primary down.
        #expect(try primary.client.put("sys/auth/approle", ["type": "approle"]).status == 204)
        #expect(try primary.client.put("auth/approle/role/ci", ["secret_id_num_uses": 1]).status == 204)
        let roleID = try #require(
            try primary.client.get("auth/approle/role/ci/role-id").json?["data"]?["role_id"]?.stringValue)
        let issued = try primary.client.put("auth/approle/role/ci/secret-id", [:])
        let secretID = try #require(issued.json?["data"]?["secret_id"]?.stringValue, "\(issued.raw)")
        #expect(pair.waitUntilConverged())
        primary.kill()

        #expect(try login(secondary, "auth/userpass/login/alice", ["password": "primary-pw"]).status == 200)
        let credentials: JSON = ["role_id": .string(roleID), "secret_id": .string(secretID)]
        let appLogin = try login(secondary, "auth/approle/login", credentials)
        #expect(appLogin.status == 200, "\(appLogin.raw)")
        #expect(appLogin.json?["auth"]?["metadata"]?["role_name"] == "ci")
        let spent = try login(secondary, "auth/approle/login", credentials)
        #expect(spent.status == 400)
        #expect(spent.json?["errors"] == ["invalid role or secret ID"])
        #expect(!secondary.logs.contains("primary-pw") && !secondary.logs.contains(secretID))
    }
}
