import CofferBase
import CofferClient
import CofferCrypto
import CofferTestSupport
import Foundation
import Testing

/// The controller's view of real agents: `/agent/v1/` over HTTPS behind a client certificate from
/// `controller.caFile`, beside the Vault API on the same listener.
@Suite(.serialized)
struct AgentManagementAPITests {
    /// One agent with an HTTPS API whose server certificate and controller CA come from the shared test PKI.
    final class ManagedNode: @unchecked Sendable {  // Driven by one test at a time.
        let name: String
        let pki: CofferTestSupport.TestPKI
        let directory: CofferTestSupport.TemporaryDirectory
        let apiPort = freePort()
        let clusterPort = freePort()
        let configFile: String
        var process: AgentProcess?

        init(name: String, controller: Bool = true, primaryCAFile: Bool = false) throws {
            self.name = name
            pki = try CofferTestSupport.TestPKI.shared()
            directory = try CofferTestSupport.TemporaryDirectory()
            let caFile = try directory.write("ca.pem", pki.caPEM)
            let certificateFile = try directory.write("server.pem", pki.serverCertificatePEM)
            let keyFile = try directory.write("server-key.pem", pki.serverKeyPEM)
            var config = """
                node: { name: \(name), cluster: \(name) }
                api:
                  address: 127.0.0.1:\(apiPort)
                  tls: { certFile: \(certificateFile), keyFile: \(keyFile) }
                cluster: { address: 127.0.0.1:\(clusterPort) }
                storage:
                  sqlite: { path: \(directory.path("coffer.db")) }
                log: { level: info }

                """
            if controller { config += "controller: { caFile: \(caFile) }\n" }
            if primaryCAFile { config += "replication: { primaryCAFile: \(caFile) }\n" }
            configFile = try directory.write("agent.yaml", config)
        }

        var address: String { "https://127.0.0.1:\(apiPort)" }
        var logs: String { (process?.stderr ?? "") + (process?.stdout ?? "") }

        /// A Vault client that trusts the server and presents no certificate.
        func vault(token: String? = nil) -> VaultTestClient {
            VaultTestClient(baseURL: address, tls: ClientTLS(caPEM: pki.caPEM), token: token)
        }

        /// A client presenting `certificatePEM` (the controller's by default).
        func agentClient(certificatePEM: String? = nil, keyPEM: String? = nil) -> HTTPClient {
            HTTPClient(
                tls: ClientTLS(
                    caPEM: pki.caPEM, certificatePEM: certificatePEM ?? pki.clientCertificatePEM,
                    privateKeyPEM: keyPEM ?? pki.clientKeyPEM),
                timeoutSeconds: 10)
        }

        /// `GET /agent/v1/<endpoint>`: status, parsed body and raw text.
        func agent(
            _ endpoint: String, method: String = "GET", client: HTTPClient? = nil
        ) throws -> (status: Int, json: JSON?, raw: String) {
            let response = try (client ?? agentClient()).send(method: method, url: address + "/agent/v1/" + endpoint)
            return (response.status, try? JSON.parse(response.body), String(decoding: response.body, as: UTF8.self))
        }

        func state() throws -> JSON {
            let reply = try agent("state")
            try #require(reply.status == 200, "\(name) state: \(reply.raw)")
            return try #require(reply.json)
        }

        func start() throws {
            process = try AgentProcess(arguments: ["agent", "--config", configFile], directory: directory.url)
            let up = eventually { (try? vault().get("sys/seal-status")) != nil }
            try #require(up, "\(name) did not start: \(logs)")
        }

        deinit {
            process?.kill()
        }
    }

    @Test func stateFollowsTheNodeFromUninitialisedToActiveWithUserData() throws {
        let node = try ManagedNode(name: "dc1-a")
        try node.start()

        let identity = try node.agent("identity")
        #expect(identity.status == 200, "\(identity.raw)")
        #expect(identity.json?["node"] == "dc1-a")
        #expect(identity.json?["cluster"] == "dc1-a")
        #expect(identity.json?["storage"] == "sqlite")
        #expect(identity.json?["api_address"] == .string(node.address))
        #expect(identity.json?["cluster_address"] == .string("https://127.0.0.1:\(node.clusterPort)"))

        var state = try node.state()
        #expect(state["initialized"] == false)
        #expect(state["sealed"] == true)
        #expect(state["key_set_id"] == .null)
        #expect(state["ha"]?["role"] == "sealed")

        let initReply = try node.vault().put("sys/init", ["secret_shares": 3, "secret_threshold": 2])
        let shares = try #require(initReply.json?["keys"]?.stringArray, "init: \(initReply.raw)")
        let rootToken = try #require(initReply.json?["root_token"]?.stringValue)
        state = try node.state()
        #expect(state["initialized"] == true)
        #expect(state["sealed"] == true)
        #expect(state["unseal"]?["threshold"] == 2)
        #expect(state["unseal"]?["shares"] == 3)
        #expect(state["unseal"]?["progress"] == 0)
        let keySetID = try #require(state["key_set_id"]?.stringValue)
        #expect(state["keys_current"] == .null)
        #expect(state["user_data"] == .null)

        #expect(try node.vault().put("sys/unseal", ["key": .string(shares[0])]).status == 200)
        state = try node.state()
        #expect(state["unseal"]?["progress"] == 1)
        #expect(state["unseal"]?["nonce"]?.stringValue?.isEmpty == false)

        #expect(try node.vault().put("sys/unseal", ["key": .string(shares[2])]).status == 200)
        state = try node.state()
        #expect(state["sealed"] == false)
        #expect(state["key_set_id"] == .string(keySetID))
        #expect(state["keys_current"] == true)
        #expect(state["user_data"] == false)
        #expect(state["seal_warning"] == .null)
        #expect(state["ha"]?["enabled"] == false)
        #expect(state["ha"]?["role"] == "active")
        #expect(state["ha"]?["leader"] == .string(node.address))
        #expect(state["replication"]?["mode"] == "disabled")

        let authed = node.vault(token: rootToken)
        #expect(try authed.put("sys/mounts/kv", ["type": "kv", "options": ["version": "2"]]).status == 204)
        #expect(try authed.put("kv/data/app", ["data": ["password": "hunter2"]]).status == 200)
        let raw = try node.agent("state").raw
        #expect(try node.state()["user_data"] == true)
        for secret in shares + [rootToken, "hunter2"] {
            #expect(!raw.contains(secret), "a secret reached the agent state")
        }
    }

    @Test func withoutAClientCertificateTheManagementAPIIsForbiddenAndTheVaultAPIStillWorks() throws {
        let node = try ManagedNode(name: "dc1-b")
        try node.start()
        let anonymous = HTTPClient(tls: ClientTLS(caPEM: node.pki.caPEM), timeoutSeconds: 10)
        let refused = try node.agent("state", client: anonymous)
        #expect(refused.status == 403)
        #expect(refused.json?["errors"]?.stringArray?.first?.contains("client certificate") == true)
        #expect(try node.vault().get("sys/health").status == 501)
        #expect(try node.vault().get("sys/seal-status").json?["initialized"] == false)

        #expect(try node.agent("keys").status == 404)
        #expect(try node.agent("state", method: "POST").status == 405)
    }

    @Test func aCertificateFromAnotherCAIsRefused() throws {
        let node = try ManagedNode(name: "dc1-c")
        try node.start()
        let otherKey = try PrivateKey(generating: .p256)
        let otherCA = try CertificateAuthority.selfSigned(
            CertificateRequest(commonName: "another controller CA", isCertificateAuthority: true), key: otherKey)
        let clientKey = try PrivateKey(generating: .p256)
        let client = try CertificateAuthority.issue(
            CertificateRequest(commonName: "impostor", serverAuth: false), publicKey: clientKey.publicKey,
            issuer: otherCA, issuerKey: otherKey)
        let impostor = node.agentClient(certificatePEM: client.pem, keyPEM: clientKey.pem)
        #expect(throws: ClientError.self) { try node.agent("state", client: impostor) }
        #expect(try node.agent("state").status == 200)
    }

    @Test func withoutAControllerCATheManagementAPIIsOff() throws {
        let node = try ManagedNode(name: "dc1-d", controller: false)
        try node.start()
        let reply = try node.agent("state")
        #expect(reply.status == 404)
        #expect(reply.json?["errors"]?.stringArray?.first?.contains("controller.caFile") == true)
        #expect(try node.vault().get("sys/seal-status").status == 200)
    }

    /// The seal configuration replicates with the keys, so after activation a secondary names the
    /// primary's key set; `replication.primaryCAFile` lets the activation trust the primary's HTTPS API.
    @Test func anActivatedSecondaryReportsThePrimarysKeySet() throws {
        let primary = try ManagedNode(name: "dc1")
        let secondary = try ManagedNode(name: "dc2", primaryCAFile: true)
        try primary.start()
        try secondary.start()
        var roots: [String] = []
        for node in [primary, secondary] {
            let reply = try node.vault().put("sys/init", ["secret_shares": 1, "secret_threshold": 1])
            let share = try #require(reply.json?["keys"]?.stringArray?.first, "init: \(reply.raw)")
            roots.append(try #require(reply.json?["root_token"]?.stringValue))
            #expect(try node.vault().put("sys/unseal", ["key": .string(share)]).json?["sealed"] == false)
        }
        let primaryKeySet = try #require(try primary.state()["key_set_id"]?.stringValue)
        #expect(try secondary.state()["key_set_id"] != .string(primaryKeySet))

        let primaryRoot = primary.vault(token: roots[0])
        #expect(try primaryRoot.put("sys/replication/primary/enable", [:]).status == 204)
        let issued = try primaryRoot.put("sys/replication/primary/secondary-token", ["id": "dc2"])
        let token = try #require(issued.json?["wrap_info"]?["token"]?.stringValue, "token: \(issued.raw)")
        let enabled = try secondary.vault(token: roots[1]).put(
            "sys/replication/secondary/enable", ["token": .string(token)])
        try #require(enabled.status == 200, "secondary enable: \(enabled.raw)")

        let streaming = eventually(timeout: 30) {
            (try? secondary.state()["replication"]?["state"]) == "stream-wals"
        }
        try #require(streaming, "the secondary did not reach stream-wals: \(secondary.logs)")
        let state = try secondary.state()
        #expect(state["key_set_id"] == .string(primaryKeySet))
        #expect(state["keys_current"] == true)
        #expect(state["sealed"] == false)
        #expect(state["replication"]?["mode"] == "secondary")
    }
}
