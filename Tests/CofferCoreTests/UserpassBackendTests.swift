import CofferBase
import Testing

@testable import CofferCore

/// The userpass auth method: users, password hashing, login and the tokens it issues.
struct UserpassBackendTests {
    let node: AuthTestNode

    init() throws {
        node = try AuthTestNode()
        try node.enable("userpass")
    }

    private func login(_ name: String, _ password: String, from address: String? = nil) -> VaultResponse {
        node.anonymous("POST", "auth/userpass/login/\(name)", ["password": .string(password)], from: address)
    }

    @Test func usersAreCreatedReadListedAndDeletedWithoutShowingThePassword() throws {
        let write = node.send(
            "POST", "auth/userpass/users/alice", ["password": "s3cret-pw", "token_policies": "b,a", "token_ttl": "1h"])
        #expect(write.status == 204)
        #expect(node.send("POST", "auth/userpass/users/bob", ["password": "other", "policies": ["ops"]]).status == 204)
        let read = node.send("GET", "auth/userpass/users/alice")
        let data = try #require(read.body?["data"]?.objectValue)
        #expect(data["token_policies"] == ["a", "b"])
        #expect(data["policies"] == ["a", "b"])
        #expect(data["token_ttl"] == 3600)
        #expect(data["password"] == nil && data["password_hash"] == nil)
        let body = String(decoding: try #require(read.body).serialized(), as: UTF8.self)
        #expect(!body.contains("scrypt"))
        #expect(node.send("GET", "auth/userpass/users/bob").body?["data"]?["token_policies"] == ["ops"])
        #expect(node.send("LIST", "auth/userpass/users").body?["data"]?["keys"] == ["alice", "bob"])
        #expect(node.send("DELETE", "auth/userpass/users/bob").status == 204)
        #expect(node.send("GET", "auth/userpass/users/bob").status == 404)
        #expect(node.send("LIST", "auth/userpass/users/").body?["data"]?["keys"] == ["alice"])
    }

    @Test func passwordsAreStoredOnlyAsScryptHashesWithTheirParameters() throws {
        #expect(node.send("POST", "auth/userpass/users/alice", ["password": "correct horse"]).status == 204)
        var hashes: [String] = []
        for (_, text) in try node.plaintextEntries() {
            #expect(!text.contains("correct horse"))
            if let hash = (try? JSON.parse(Array(text.utf8)))?["password_hash"]?.stringValue { hashes.append(hash) }
        }
        #expect(hashes.count == 1)
        #expect(hashes.first?.hasPrefix("$scrypt$ln=15,r=8,p=1$") == true)
    }

    @Test func loginReturnsVaultsAuthBlock() throws {
        _ = node.send("POST", "auth/userpass/users/alice", ["password": "pw", "token_policies": ["dev"]])
        let reply = login("alice", "pw")
        #expect(reply.status == 200)
        let auth = try #require(reply.body?["auth"])
        #expect(auth["client_token"]?.stringValue?.hasPrefix("hvs.") == true)
        #expect(auth["accessor"]?.stringValue?.isEmpty == false)
        #expect(auth["policies"] == ["default", "dev"])
        #expect(auth["token_policies"] == ["default", "dev"])
        #expect(auth["metadata"] == ["username": "alice"])
        #expect(auth["lease_duration"] == 2_764_800)
        #expect(auth["renewable"] == true)
        #expect(auth["entity_id"] == "")
        #expect(auth["token_type"] == "service")
        #expect(auth["orphan"] == true)
        let token = try #require(auth["client_token"]?.stringValue)
        let lookup = node.send("GET", "auth/token/lookup-self", token: token).body?["data"]
        #expect(lookup?["path"] == "auth/userpass/login/alice")
        #expect(lookup?["display_name"] == "userpass-alice")
        #expect(lookup?["meta"] == ["username": "alice"])
    }

    @Test func unknownUserAndWrongPasswordGetTheSameAnswer() throws {
        _ = node.send("POST", "auth/userpass/users/alice", ["password": "right"])
        let wrong = login("alice", "wrong")
        let unknown = login("mallory", "wrong")
        let invalidName = login("-bad-", "wrong")
        for reply in [wrong, unknown, invalidName] {
            #expect(reply.status == 400)
            #expect(AuthTestNode.errors(reply) == ["invalid username or password"])
        }
        #expect(wrong.body == unknown.body)
        #expect(login("ALICE", "right").status == 200, "user names are compared without case")
    }

    @Test func anUnknownUserCostsAScryptRunLikeAWrongPassword() {
        func nanoseconds(_ body: () -> Void) -> UInt64 {
            let start = Clock.monotonicNanoseconds()
            body()
            return Clock.monotonicNanoseconds() - start
        }
        // scrypt with N=2^15, r=8 walks 32 MiB twice: milliseconds on any machine, where a lookup
        // that skipped it would take microseconds.
        let unknown = nanoseconds { _ = login("nobody-here", "guess") }
        #expect(unknown > 5_000_000, "\(unknown) ns")
    }

    @Test func loginWritesOnlyTheLocalTokenEntries() throws {
        _ = node.send("POST", "auth/userpass/users/alice", ["password": "pw"])
        let before = Set(try node.core.storage.keys(prefix: ""))
        #expect(login("alice", "pw").status == 200)
        let written = Set(try node.core.storage.keys(prefix: "")).subtracting(before)
        #expect(!written.isEmpty)
        #expect(written.allSatisfy { $0.hasPrefix("local/token/") && DataClass.of($0) == .local }, "\(written)")
    }

    @Test func passwordsNeverAppearInErrorsOrLogs() throws {
        _ = node.send("POST", "auth/userpass/users/alice", ["password": "first-secret"])
        _ = login("alice", "second-secret")
        _ = login("alice", "first-secret")
        _ = node.send("POST", "auth/userpass/users/alice/password", ["password": "third-secret"])
        let errors = [login("nobody", "fourth-secret"), node.send("POST", "auth/userpass/users/x", ["password": 5.5])]
        let text = node.logs.lines.joined() + errors.map { AuthTestNode.errors($0).joined() }.joined()
        #expect(!node.logs.lines.isEmpty)
        for secret in ["first-secret", "second-secret", "third-secret", "fourth-secret", "5.5"] {
            #expect(!text.contains(secret))
        }
    }

    @Test func passwordAndPoliciesHaveTheirOwnPaths() throws {
        _ = node.send("POST", "auth/userpass/users/alice", ["password": "old", "token_policies": ["a"]])
        #expect(node.send("POST", "auth/userpass/users/alice/password", ["password": "new"]).status == 204)
        #expect(login("alice", "old").status == 400)
        #expect(login("alice", "new").status == 200)
        #expect(node.send("POST", "auth/userpass/users/alice/policies", ["policies": "x, y"]).status == 204)
        #expect(node.send("GET", "auth/userpass/users/alice").body?["data"]?["token_policies"] == ["x", "y"])
        #expect(node.send("POST", "auth/userpass/users/alice/password", [:]).status == 400)
        #expect(node.send("POST", "auth/userpass/users/nobody/password", ["password": "p"]).status == 400)
        #expect(node.send("POST", "auth/userpass/users/alice/policies", [:]).status == 400)
        #expect(login("alice", "new").status == 200)
    }

    @Test func malformedWritesAreRefusedAndStoreNothing() throws {
        let cases: [JSON] = [
            [:], ["password": ""], ["password": "p", "token_ttl": "soon"], ["password": "p", "token_policies": 7],
            ["password": "p", "token_bound_cidrs": ["10.0.0.0/33"]], ["password": "p", "token_num_uses": -1],
            ["password": "p", "token_ttl": "2h", "token_max_ttl": "1h"], ["password": ["p"]],
            ["password": "p", "token_type": "batch"], .string("password=p"),
        ]
        for body in cases {
            let reply = node.send("POST", "auth/userpass/users/carol", body)
            #expect(reply.status == 400, "\(body)")
        }
        #expect(node.send("GET", "auth/userpass/users/carol").status == 404)
        #expect(node.send("POST", "auth/userpass/users/bad%2Fname", ["password": "p"]).status == 400)
        #expect(node.send("POST", "auth/userpass/users/-x", ["password": "p"]).status == 400)
        #expect(node.anonymous("POST", "auth/userpass/login/alice", [:]).status == 400)
        #expect(node.anonymous("POST", "auth/userpass/login/alice", ["password": ["x"]]).status == 400)
        #expect(node.anonymous("GET", "auth/userpass/login/alice", nil).status == 405)
    }

    @Test func managementNeedsATokenAndTheACL() throws {
        #expect(node.anonymous("POST", "auth/userpass/users/alice", ["password": "pw"]).status == 403)
        _ = node.send("POST", "auth/userpass/users/alice", ["password": "pw"])
        let token = try #require(login("alice", "pw").body?["auth"]?["client_token"]?.stringValue)
        #expect(node.send("GET", "auth/userpass/users/alice", token: token).status == 403)
    }

    @Test func theTokensTTLComesFromTheUserCappedByTheMount() throws {
        _ = node.send("POST", "sys/auth/userpass/tune", ["default_lease_ttl": "20m", "max_lease_ttl": "1h"])
        _ = node.send("POST", "auth/userpass/users/plain", ["password": "pw"])
        _ = node.send("POST", "auth/userpass/users/long", ["password": "pw", "token_ttl": "3h"])
        _ = node.send(
            "POST", "auth/userpass/users/short", ["password": "pw", "token_ttl": "5m", "token_max_ttl": "10m"])
        #expect(login("plain", "pw").body?["auth"]?["lease_duration"] == 1200)
        #expect(login("long", "pw").body?["auth"]?["lease_duration"] == 3600)
        let short = login("short", "pw")
        #expect(short.body?["auth"]?["lease_duration"] == 300)
        let token = try #require(short.body?["auth"]?["client_token"]?.stringValue)
        let renewed = node.send("POST", "auth/token/renew-self", ["increment": "1h"], token: token)
        let renewedTTL = try #require(renewed.body?["auth"]?["lease_duration"]?.intValue)
        #expect(renewedTTL <= 600, "renewal stays within the user's token_max_ttl")
    }

    @Test func theLoginTokenCarriesTheUsersPolicies() throws {
        let policy = "path \"secret/data/team/*\" { capabilities = [\"read\", \"create\", \"update\"] }"
        #expect(node.send("PUT", "sys/policies/acl/team", ["policy": .string(policy)]).status == 204)
        _ = node.send("POST", "auth/userpass/users/alice", ["password": "pw", "token_policies": "team"])
        let token = try #require(login("alice", "pw").body?["auth"]?["client_token"]?.stringValue)
        #expect(node.send("PUT", "secret/data/team/x", ["data": ["k": "v"]], token: token).status == 200)
        #expect(node.send("GET", "secret/data/other", token: token).status == 403)
        _ = node.send("POST", "auth/userpass/users/root", ["password": "pw", "token_policies": "root"])
        #expect(login("root", "pw").status == 400, "auth methods cannot create root tokens")
    }

    @Test func boundCIDRsLimitWhereTheUserLogsInAndWhereTheTokenIsUsed() throws {
        _ = node.send("POST", "auth/userpass/users/alice", ["password": "pw", "token_bound_cidrs": ["10.0.0.0/8"]])
        #expect(login("alice", "pw").status == 400, "an unknown address is outside every block")
        #expect(AuthTestNode.errors(login("alice", "pw", from: "192.168.1.1")) == ["invalid username or password"])
        let reply = login("alice", "pw", from: "10.1.2.3")
        let token = try #require(reply.body?["auth"]?["client_token"]?.stringValue)
        var request = VaultRequest(method: "GET", path: "auth/token/lookup-self", token: token)
        request.remoteAddress = "10.9.9.9"
        #expect(node.core.handle(request).status == 200)
        request.remoteAddress = "11.0.0.1"
        #expect(node.core.handle(request).status == 403)
        #expect(node.send("GET", "auth/userpass/users/alice").body?["data"]?["token_bound_cidrs"] == ["10.0.0.0/8"])
    }

    @Test func aSecondaryLogsUsersInWithoutWritingReplicatedData() throws {
        _ = node.send("POST", "auth/userpass/users/alice", ["password": "pw"])
        node.core.setReplicatedWrites(.forward)
        #expect(login("alice", "pw").status == 200)
        #expect(node.send("POST", "auth/userpass/users/bob", ["password": "pw"]).status == 421)
    }
}
