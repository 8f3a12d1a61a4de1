import CofferBase
import Testing

@testable import CofferCore

/// `sys/leases/*` and its older aliases, over token leases, with Vault's answers and sudo rules.
struct LeasesEndpointTests {
    let node: AuthTestNode

    init() throws {
        node = try AuthTestNode()
    }

    private func createToken(_ body: JSON, path: String = "auth/token/create", token: String? = nil) throws -> String {
        let reply = node.send("POST", path, body, token: token)
        return try #require(reply.body?["auth"]?["client_token"]?.stringValue, "\(String(describing: reply.body))")
    }

    private func hash(_ token: String) throws -> String {
        try node.core.unsealedNode().tokens.hash(token)
    }

    private func isAlive(_ token: String) -> Bool {
        node.send("GET", "auth/token/lookup-self", token: token).status == 200
    }

    private func keys(_ reply: VaultResponse) -> [String] {
        reply.body?["data"]?["keys"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    @Test func lookupShowsATokensLeaseAndItsLastRenewal() throws {
        let token = try createToken(["ttl": "1h"])
        let tokenHash = try hash(token)
        #expect(keys(node.send("LIST", "sys/leases/lookup/auth/token/create/")) == [tokenHash])
        let leaseID = "auth/token/create/" + tokenHash

        var reply = node.send("PUT", "sys/leases/lookup", ["lease_id": .string(leaseID)])
        #expect(reply.status == 200)
        let data = try #require(reply.body?["data"])
        #expect(data["id"]?.stringValue == leaseID)
        #expect((3590...3600).contains(data["ttl"]?.intValue ?? 0))
        #expect(data["renewable"] == true)
        #expect(data["last_renewal"] == .null)
        #expect(data["issue_time"]?.stringValue?.hasSuffix("Z") == true)
        #expect(data["expire_time"]?.stringValue?.hasSuffix("Z") == true)

        #expect(node.send("POST", "auth/token/renew-self", [:], token: token).status == 200)
        reply = node.send("PUT", "sys/leases/lookup", ["lease_id": .string(leaseID)])
        #expect(reply.body?["data"]?["last_renewal"]?.stringValue?.hasSuffix("Z") == true)
    }

    @Test func unknownLeasesAreAnsweredAsVaultAnswersThem() throws {
        let token = try createToken(["ttl": "1h"])
        let misplaced = "auth/userpass/login/alice/" + (try hash(token))
        let unknown = "auth/token/create/" + String(repeating: "0", count: 64)
        for leaseID in [unknown, misplaced, "not-a-lease"] {
            let lookup = node.send("PUT", "sys/leases/lookup", ["lease_id": .string(leaseID)])
            #expect(lookup.status == 400 && AuthTestNode.errors(lookup) == ["invalid lease"])
            let renew = node.send("PUT", "sys/leases/renew", ["lease_id": .string(leaseID)])
            #expect(renew.status == 400 && AuthTestNode.errors(renew) == ["lease not found"])
            #expect(node.send("PUT", "sys/leases/revoke", ["lease_id": .string(leaseID)]).status == 204)
        }
        let missing = node.send("PUT", "sys/leases/lookup", [:])
        #expect(missing.status == 400 && AuthTestNode.errors(missing) == ["lease_id must be specified"])
        #expect(node.send("LIST", "sys/leases/lookup/auth/userpass/").status == 404)
        #expect(isAlive(token))
    }

    @Test func aTokensLeaseIsRenewedOnlyThroughTheTokenPaths() throws {
        let token = try createToken(["ttl": "1h"])
        let leaseID = "auth/token/create/" + (try hash(token))
        for path in ["sys/leases/renew", "sys/renew"] {
            let reply = node.send("PUT", path, ["lease_id": .string(leaseID), "increment": "2h"])
            #expect(reply.status == 400)
            #expect(AuthTestNode.errors(reply) == ["tokens cannot be renewed through this endpoint"])
        }
        let unrenewable = try createToken(["ttl": "1h", "renewable": false])
        let reply = node.send("PUT", "sys/renew/auth/token/create/" + (try hash(unrenewable)), [:])
        #expect(AuthTestNode.errors(reply) == ["lease is not renewable"])
    }

    @Test func revokingALeaseRevokesTheTokenAndItsChildren() throws {
        let parent = try createToken(["ttl": "1h", "policies": ["root"]])
        let child = try createToken(["ttl": "1h"], token: parent)
        let sibling = try createToken(["ttl": "1h"])
        let leaseID = "auth/token/create/" + (try hash(parent))
        #expect(node.send("PUT", "sys/leases/revoke/" + leaseID, ["sync": false]).status == 202)
        #expect(!isAlive(parent) && !isAlive(child))
        #expect(isAlive(sibling))
        #expect(
            node.send("PUT", "sys/revoke", ["lease_id": .string("auth/token/create/" + (try hash(sibling)))]).status
                == 204)
        #expect(!isAlive(sibling))
    }

    @Test func revokePrefixRevokesEveryTokenIssuedThroughThePath() throws {
        try node.enable("userpass")
        #expect(node.send("POST", "auth/userpass/users/alice", ["password": "wonderland"]).status == 204)
        let login = node.anonymous("POST", "auth/userpass/login/alice", ["password": "wonderland"])
        let userToken = try #require(login.body?["auth"]?["client_token"]?.stringValue)
        let created = try [createToken(["ttl": "1h"]), createToken(["ttl": "1h"])]
        let orphan = try createToken(["ttl": "1h"], path: "auth/token/create-orphan")
        #expect(keys(node.send("LIST", "sys/leases/lookup/auth/")) == ["token/", "userpass/"])

        #expect(node.send("PUT", "sys/leases/revoke-prefix/auth/token/create", [:]).status == 204)
        #expect(created.allSatisfy { !isAlive($0) })
        #expect(isAlive(orphan), "auth/token/create-orphan is another path, not below auth/token/create")
        #expect(isAlive(userToken) && isAlive(node.root))
        #expect(keys(node.send("LIST", "sys/leases/lookup/auth/token")) == ["create-orphan/"])

        #expect(node.send("PUT", "sys/revoke-prefix/auth/userpass/login", ["sync": false]).status == 202)
        #expect(!isAlive(userToken))
        let leaseID = "auth/token/create-orphan/" + (try hash(orphan))
        #expect(node.send("PUT", "sys/leases/revoke-force/" + leaseID, [:]).status == 204)
        #expect(!isAlive(orphan) && isAlive(node.root))
        for secret in created + [orphan, userToken, node.root, "wonderland"] {
            #expect(!node.logs.lines.contains { $0.contains(secret) }, "a secret reached the log")
        }
    }

    @Test func prefixOperationsNeedSudo() throws {
        let withoutSudo = """
            path "sys/leases/revoke-prefix/*" { capabilities = ["update"] }
            path "sys/leases/lookup/*" { capabilities = ["list"] }
            path "sys/leases/lookup" { capabilities = ["list"] }
            """
        let withSudo = """
            path "sys/leases/revoke-prefix/*" { capabilities = ["update", "sudo"] }
            path "sys/leases/lookup/*" { capabilities = ["list", "sudo"] }
            """
        #expect(node.send("PUT", "sys/policies/acl/plain", ["policy": .string(withoutSudo)]).status == 204)
        #expect(node.send("PUT", "sys/policies/acl/sudo", ["policy": .string(withSudo)]).status == 204)
        let plain = try createToken(["policies": ["plain"], "ttl": "1h"])
        let privileged = try createToken(["policies": ["sudo"], "ttl": "1h"])

        #expect(node.send("PUT", "sys/leases/revoke-prefix/auth/token/create", [:], token: plain).status == 403)
        #expect(node.send("LIST", "sys/leases/lookup/auth/token/create/", token: plain).status == 403)
        #expect(node.send("LIST", "sys/leases/lookup", token: plain).status == 403)
        #expect(isAlive(plain))
        #expect(node.send("LIST", "sys/leases/lookup/auth/token/create/", token: privileged).status == 200)
        #expect(node.send("PUT", "sys/leases/revoke-prefix/auth/token/create", [:], token: privileged).status == 204)
        #expect(!isAlive(plain) && !isAlive(privileged))
    }

    @Test func anyTokenMayLookUpALeaseByItsIDButNotRevokeIt() throws {
        let token = try createToken(["ttl": "1h", "policies": ["default"]])
        let leaseID = "auth/token/create/" + (try hash(token))
        let reply = node.send("PUT", "sys/leases/lookup", ["lease_id": .string(leaseID)], token: token)
        #expect(reply.status == 200 && reply.body?["data"]?["id"]?.stringValue == leaseID)
        #expect(node.send("PUT", "sys/leases/revoke", ["lease_id": .string(leaseID)], token: token).status == 403)
    }

    @Test func aSecondaryCannotRevokeThePrimarysTokensByForwarding() throws {
        let token = try createToken(["ttl": "1h"])
        let forwarded = node.core.handleForwarded(
            VaultRequest(method: "PUT", path: "sys/leases/revoke-prefix/auth/token/create"))
        #expect(forwarded.status == 400)
        #expect(node.core.handleForwarded(VaultRequest(method: "DELETE", path: "sys/rekey/init")).status == 400)
        #expect(isAlive(token))
    }
}
