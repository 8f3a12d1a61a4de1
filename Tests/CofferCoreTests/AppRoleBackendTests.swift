import CofferBase
import CofferStorage
import Synchronization
import Testing

@testable import CofferCore

/// The AppRole auth method: roles, role IDs, secret IDs, use counts, expiry and login.
struct AppRoleBackendTests {
    let node: AuthTestNode

    init() throws {
        node = try AuthTestNode()
        try node.enable("approle")
    }

    private func roleID(_ role: String) throws -> String {
        try #require(node.send("GET", "auth/approle/role/\(role)/role-id").body?["data"]?["role_id"]?.stringValue)
    }

    private func secretID(_ role: String, _ body: JSON = [:]) throws -> (secret: String, accessor: String) {
        let reply = node.send("POST", "auth/approle/role/\(role)/secret-id", body)
        let data = try #require(reply.body?["data"], "\(String(describing: reply.body))")
        return (try #require(data["secret_id"]?.stringValue), try #require(data["secret_id_accessor"]?.stringValue))
    }

    private func login(_ roleID: String, _ secretID: String?) -> VaultResponse {
        var body: [String: JSON] = ["role_id": .string(roleID)]
        if let secretID { body["secret_id"] = .string(secretID) }
        return node.anonymous("POST", "auth/approle/login", .object(body))
    }

    @Test func rolesAreCreatedReadListedAndDeleted() throws {
        let write = node.send(
            "POST", "auth/approle/role/ci",
            ["token_policies": ["deploy"], "token_ttl": "20m", "secret_id_ttl": "10m", "secret_id_num_uses": 3])
        #expect(write.status == 204)
        let data = try #require(node.send("GET", "auth/approle/role/ci").body?["data"])
        #expect(data["token_policies"] == ["deploy"])
        #expect(data["token_ttl"] == 1200)
        #expect(data["secret_id_ttl"] == 600)
        #expect(data["secret_id_num_uses"] == 3)
        #expect(data["bind_secret_id"] == true)
        #expect(data["role_id"] == nil)
        #expect(node.send("POST", "auth/approle/role/web", ["policies": "web"]).status == 204)
        #expect(node.send("LIST", "auth/approle/role").body?["data"]?["keys"] == ["ci", "web"])
        #expect(node.send("DELETE", "auth/approle/role/web").status == 204)
        #expect(node.send("GET", "auth/approle/role/web").status == 404)
        #expect(node.send("GET", "auth/approle/role/web/role-id").status == 400)
        #expect(node.send("LIST", "auth/approle/role/").body?["data"]?["keys"] == ["ci"])
    }

    @Test func loginWithRoleIDAndSecretIDReturnsVaultsAuthBlock() throws {
        _ = node.send("POST", "auth/approle/role/ci", ["token_policies": "deploy", "token_ttl": "1h"])
        let (secret, _) = try secretID("ci", ["metadata": "{\"team\":\"blue\"}"])
        let reply = login(try roleID("ci"), secret)
        #expect(reply.status == 200)
        let auth = try #require(reply.body?["auth"])
        #expect(auth["client_token"]?.stringValue?.hasPrefix("hvs.") == true)
        #expect(auth["policies"] == ["default", "deploy"])
        #expect(auth["token_policies"] == ["default", "deploy"])
        #expect(auth["metadata"] == ["role_name": "ci", "team": "blue"])
        #expect(auth["lease_duration"] == 3600)
        #expect(auth["renewable"] == true && auth["orphan"] == true)
        #expect(auth["entity_id"] == "" && auth["token_type"] == "service")
        let token = try #require(auth["client_token"]?.stringValue)
        #expect(node.send("GET", "auth/token/lookup-self", token: token).body?["data"]?["display_name"] == "approle")
    }

    @Test func roleIDCanBeReadAndReplaced() throws {
        _ = node.send("POST", "auth/approle/role/ci", [:])
        let (secret, _) = try secretID("ci")
        let original = try roleID("ci")
        #expect(node.send("POST", "auth/approle/role/ci/role-id", ["role_id": "my-chosen-id"]).status == 204)
        #expect(try roleID("ci") == "my-chosen-id")
        #expect(login(original, secret).status == 400)
        #expect(login("my-chosen-id", secret).status == 200)
        _ = node.send("POST", "auth/approle/role/other", [:])
        #expect(node.send("POST", "auth/approle/role/other/role-id", ["role_id": "my-chosen-id"]).status == 400)
        #expect(node.send("POST", "auth/approle/role/ci/role-id", [:]).status == 400)
    }

    @Test func wrongRoleIDAndWrongSecretIDGetTheSameAnswer() throws {
        _ = node.send("POST", "auth/approle/role/ci", [:])
        _ = node.send("POST", "auth/approle/role/other", [:])
        let (secret, _) = try secretID("ci")
        let (otherSecret, _) = try secretID("other")
        let answers = [
            login("not-a-role-id", secret), login(try roleID("ci"), "not-a-secret-id"),
            login(try roleID("ci"), otherSecret), login(try roleID("ci"), nil), login(try roleID("ci"), ""),
        ]
        for reply in answers {
            #expect(reply.status == 400)
            #expect(AuthTestNode.errors(reply) == ["invalid role or secret ID"])
        }
        #expect(answers[0].body == answers[1].body)
        #expect(node.anonymous("POST", "auth/approle/login", ["secret_id": .string(secret)]).status == 400)
        #expect(node.anonymous("POST", "auth/approle/login", ["role_id": ["x"], "secret_id": "y"]).status == 400)
        #expect(login(try roleID("ci"), secret).status == 200)
    }

    @Test func aUsedUpSecretIDFailsAndDisappears() throws {
        _ = node.send("POST", "auth/approle/role/ci", ["secret_id_num_uses": 2])
        let (secret, accessor) = try secretID("ci")
        let role = try roleID("ci")
        let lookup = node.send("POST", "auth/approle/role/ci/secret-id/lookup", ["secret_id": .string(secret)])
        #expect(lookup.body?["data"]?["secret_id_num_uses"] == 2)
        #expect(login(role, secret).status == 200)
        let after = node.send(
            "POST", "auth/approle/role/ci/secret-id-accessor/lookup", ["secret_id_accessor": .string(accessor)])
        #expect(after.body?["data"]?["secret_id_num_uses"] == 1)
        #expect(login(role, secret).status == 200)
        let spent = login(role, secret)
        #expect(spent.status == 400)
        #expect(AuthTestNode.errors(spent) == ["invalid role or secret ID"])
        #expect(node.send("LIST", "auth/approle/role/ci/secret-id").status == 404)
    }

    @Test func concurrentLoginsNeverSpendMoreUsesThanAllowed() async throws {
        _ = node.send("POST", "auth/approle/role/ci", ["secret_id_num_uses": 3])
        let (secret, _) = try secretID("ci")
        let role = try roleID("ci")
        let node = self.node
        let successes = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    var request = VaultRequest(
                        method: "POST", path: "auth/approle/login",
                        body: ["role_id": .string(role), "secret_id": .string(secret)])
                    request.remoteAddress = nil
                    return node.core.handle(request).status == 200 ? 1 : 0
                }
            }
            return await group.reduce(0, +)
        }
        #expect(successes == 3)
    }

    @Test func anExpiredSecretIDFails() throws {
        _ = node.send("POST", "auth/approle/role/ci", ["secret_id_ttl": "10m"])
        let (secret, accessor) = try secretID("ci")
        let mount = try node.authMount("approle/")
        let storage = StorageView(store: node.core.barrier, prefix: mount.dataPrefix)
        let now = Clock.now()
        let later = Mutex(now)
        let backend = AppRoleBackend(
            clusterLocal: StorageView(store: node.core.barrier, prefix: mount.localDataPrefix),
            clock: { later.withLock { $0 } })
        let request = LogicalRequest(
            operation: .update, path: "login",
            data: ["role_id": .string(try roleID("ci")), "secret_id": .string(secret)])
        #expect(throws: Never.self) { try backend.login(request, storage: storage) }
        later.withLock { $0 = now.adding(seconds: 601) }
        #expect(throws: AppRoleBackend.invalidCredentials) { try backend.login(request, storage: storage) }
        let lookup = node.send(
            "POST", "auth/approle/role/ci/secret-id-accessor/lookup", ["secret_id_accessor": .string(accessor)])
        #expect(lookup.status == 400, "the expired secret ID was deleted")
    }

    @Test func secretIDsAreStoredOnlyAsHashes() throws {
        _ = node.send("POST", "auth/approle/role/ci", [:])
        let (secret, accessor) = try secretID("ci")
        let (custom, _) = try secretID("ci", [:])
        #expect(
            node.send("POST", "auth/approle/role/ci/custom-secret-id", ["secret_id": "my-custom-secret"]).status == 200)
        for (key, text) in try node.plaintextEntries() {
            for value in [secret, custom, "my-custom-secret"] {
                #expect(!key.contains(value) && !text.contains(value))
            }
        }
        #expect(login(try roleID("ci"), "my-custom-secret").status == 200)
        let keys = node.send("LIST", "auth/approle/role/ci/secret-id").body?["data"]?["keys"]?.arrayValue ?? []
        #expect(keys.count == 3 && keys.contains(.string(accessor)))
    }

    @Test func secretIDsAreLookedUpAndDestroyedBySecretOrAccessor() throws {
        _ = node.send("POST", "auth/approle/role/ci", ["secret_id_ttl": "1h"])
        let (first, _) = try secretID("ci", ["num_uses": 5, "ttl": "10m", "cidr_list": "127.0.0.1/32"])
        let (second, secondAccessor) = try secretID("ci")
        let lookup = try #require(
            node.send("POST", "auth/approle/role/ci/secret-id/lookup", ["secret_id": .string(first)]).body?["data"])
        #expect(lookup["secret_id_ttl"] == 600)
        #expect(lookup["secret_id_num_uses"] == 5)
        #expect(lookup["cidr_list"] == ["127.0.0.1/32"])
        #expect(lookup["secret_id"] == nil)
        #expect(
            node.send("POST", "auth/approle/role/ci/secret-id/destroy", ["secret_id": .string(first)]).status == 204)
        #expect(node.send("POST", "auth/approle/role/ci/secret-id/lookup", ["secret_id": .string(first)]).status == 204)
        let destroy = node.send(
            "POST", "auth/approle/role/ci/secret-id-accessor/destroy", ["secret_id_accessor": .string(secondAccessor)])
        #expect(destroy.status == 204)
        #expect(login(try roleID("ci"), second).status == 400)
        #expect(node.send("LIST", "auth/approle/role/ci/secret-id").status == 404)
    }

    @Test func malformedRequestsAreRefused() throws {
        let roles: [JSON] = [
            ["bind_secret_id": false], ["secret_id_num_uses": -1], ["secret_id_ttl": "later"],
            ["token_policies": ["a", 1]], ["secret_id_bound_cidrs": "nonsense"], .array([]),
        ]
        for body in roles {
            #expect(node.send("POST", "auth/approle/role/bad", body).status == 400, "\(body)")
        }
        #expect(node.send("GET", "auth/approle/role/bad").status == 404)
        _ = node.send("POST", "auth/approle/role/ci", ["secret_id_num_uses": 2])
        let secretIDs: [JSON] = [
            ["num_uses": 3], ["num_uses": "many"], ["metadata": "not json"], ["metadata": ["a": 1]],
            ["cidr_list": "300.0.0.1"],
        ]
        for body in secretIDs {
            #expect(node.send("POST", "auth/approle/role/ci/secret-id", body).status == 400, "\(body)")
        }
        #expect(node.send("POST", "auth/approle/role/none/secret-id", [:]).status == 400)
        #expect(node.send("POST", "auth/approle/role/ci/secret-id/lookup", [:]).status == 400)
        #expect(node.send("POST", "auth/approle/role/ci/nonsense", [:]).status == 404)
        #expect(node.send("POST", "auth/approle/role/ci/custom-secret-id", [:]).status == 400)
        #expect(node.anonymous("POST", "auth/approle/login", .string("role_id")).status == 400)
    }

    @Test func aRoleWithoutSecretIDsNeedsABoundCIDR() throws {
        let write = node.send(
            "POST", "auth/approle/role/edge", ["bind_secret_id": false, "token_bound_cidrs": "10.0.0.0/8"])
        #expect(write.status == 204)
        let role = try roleID("edge")
        #expect(node.send("POST", "auth/approle/role/edge/secret-id", [:]).status == 400)
        #expect(
            node.anonymous("POST", "auth/approle/login", ["role_id": .string(role)], from: "10.2.3.4").status == 200)
        #expect(
            node.anonymous("POST", "auth/approle/login", ["role_id": .string(role)], from: "172.16.0.1").status == 400)
    }

    @Test func deletingARoleDeletesItsSecretIDs() throws {
        _ = node.send("POST", "auth/approle/role/ci", ["secret_id_num_uses": 4])
        let (secret, _) = try secretID("ci")
        let role = try roleID("ci")
        #expect(login(role, secret).status == 200)
        #expect(node.send("POST", "auth/approle/role/ci/secret-id", .null).status == 200, "a null body is no fields")
        #expect(node.send("DELETE", "auth/approle/role/ci").status == 204)
        let mount = try node.authMount("approle/")
        let remaining = try node.core.storage.keys(prefix: "").filter { $0.contains(mount.uuid) }
        #expect(remaining.allSatisfy { $0.hasSuffix("/salt") }, "\(remaining)")
        _ = node.send("POST", "auth/approle/role/ci", [:])
        #expect(login(role, secret).status == 400)
    }

    @Test func aSecondaryCountsUsesLocallyAndLogsInWithoutItsPrimary() throws {
        _ = node.send("POST", "auth/approle/role/ci", ["secret_id_num_uses": 2])
        let (secret, _) = try secretID("ci")
        let role = try roleID("ci")
        let mount = try node.authMount("approle/")
        node.core.setReplicatedWrites(.forward)
        #expect(login(role, secret).status == 200)
        #expect(login(role, secret).status == 200)
        #expect(login(role, secret).status == 400)
        let counts = try node.core.storage.keys(prefix: mount.localDataPrefix + "secret-id-uses/")
        #expect(counts.count == 1, "the spent uses are cluster-local")
        #expect(
            try node.core.storage.keys(prefix: mount.dataPrefix + "secret-id/").count == 1,
            "a secondary deletes nothing replicated")
        #expect(node.send("POST", "auth/approle/role/ci/secret-id", [:]).status == 421)
    }
}
