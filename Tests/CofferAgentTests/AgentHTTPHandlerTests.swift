import CofferBase
import CofferCore
import CofferHTTP
import CofferStorage
import Testing

@testable import CofferAgent

struct AgentHTTPHandlerTests {
    /// Stands for a certificate the listener verified; the handler only asks whether there is one.
    private static let verifiedCertificate: [UInt8] = [0x30, 0x03, 0x02, 0x01, 0x01]

    private let core: Core
    private let identity = AgentIdentity(
        nodeName: "dc1-a", clusterName: "dc1", storageType: "inmem", apiAddress: "https://10.0.1.10:8200",
        clusterAddress: "https://10.0.1.10:8201")

    init() throws {
        let logger = Logger(label: "test", level: .error, sink: MemoryLogSink())
        core = try Core(
            configuration: CoreConfiguration(clusterName: "dc1", storageType: "inmem"), storage: InMemoryStorage(),
            logger: logger)
    }

    private func handler(controllerConfigured: Bool = true) -> AgentHTTPHandler {
        let logger = Logger(label: "test", level: .error, sink: MemoryLogSink())
        return AgentHTTPHandler(
            vault: VaultHTTPHandler(core: core, logger: logger), core: core, identity: identity,
            controllerConfigured: controllerConfigured, logger: logger)
    }

    private func send(
        _ path: String, method: String = "GET", certificate: [UInt8]? = verifiedCertificate,
        controllerConfigured: Bool = true
    ) throws -> (status: Int, json: JSON) {
        let request = HTTPRequest(method: method, path: path, isTLS: true, peerCertificateDER: certificate)
        let response = handler(controllerConfigured: controllerConfigured).handle(request)
        return (response.status, try JSON.parse(response.body))
    }

    @Test func identityNamesTheNodeAndItsAddresses() throws {
        let (status, json) = try send("/agent/v1/identity")
        #expect(status == 200)
        #expect(json["node"] == "dc1-a")
        #expect(json["cluster"] == "dc1")
        #expect(json["version"] == .string(CofferVersion.string))
        #expect(json["storage"] == "inmem")
        #expect(json["api_address"] == "https://10.0.1.10:8200")
        #expect(json["cluster_address"] == "https://10.0.1.10:8201")
    }

    @Test func stateFollowsTheNodeThroughInitUnsealAndAMount() throws {
        var json = try send("/agent/v1/state").json
        #expect(json["initialized"] == false)
        #expect(json["sealed"] == true)
        #expect(json["key_set_id"] == .null)
        #expect(json["ha"]?["role"] == "sealed")
        #expect(json["replication"]?["mode"] == "disabled")

        let result = try core.initialize(SealConfiguration(secretShares: 3, secretThreshold: 2))
        _ = try core.unseal(share: Hex.encode(result.shares[0]), reset: false)
        json = try send("/agent/v1/state").json
        #expect(json["initialized"] == true)
        #expect(json["sealed"] == true)
        #expect(json["unseal"]?["progress"] == 1)
        #expect(json["unseal"]?["threshold"] == 2)
        #expect(json["unseal"]?["shares"] == 3)
        #expect(json["unseal"]?["nonce"]?.stringValue?.isEmpty == false)
        let keySetID = try #require(json["key_set_id"]?.stringValue)
        #expect(json["keys_current"] == .null)
        #expect(json["user_data"] == .null)

        _ = try core.unseal(share: Hex.encode(result.shares[2]), reset: false)
        json = try send("/agent/v1/state").json
        #expect(json["sealed"] == false)
        #expect(json["key_set_id"] == .string(keySetID))
        #expect(json["keys_current"] == true)
        #expect(json["user_data"] == false)
        #expect(json["seal_warning"] == .null)
        #expect(json["ha"] == ["enabled": false, "role": "active", "leader": "https://10.0.1.10:8200"])

        let mount = core.handle(
            VaultRequest(method: "POST", path: "sys/mounts/kv", body: ["type": "kv"], token: result.rootToken))
        try #require(mount.status == 204)
        #expect(try send("/agent/v1/state").json["user_data"] == true)
    }

    @Test func withoutAVerifiedCertificateTheManagementAPIIsForbidden() throws {
        let (status, json) = try send("/agent/v1/state", certificate: nil)
        #expect(status == 403)
        #expect(json["errors"]?.stringArray?.first?.contains("client certificate") == true)
    }

    @Test func withoutAControllerCATheManagementAPIIsNotFound() throws {
        let (status, json) = try send("/agent/v1/state", controllerConfigured: false)
        #expect(status == 404)
        #expect(json["errors"]?.stringArray?.first?.contains("controller.caFile") == true)
    }

    @Test func unknownEndpointsAndOtherMethodsAreRefused() throws {
        #expect(try send("/agent/v1/keys").status == 404)
        #expect(try send("/agent/v1/").status == 404)
        let (status, json) = try send("/agent/v1/state", method: "POST")
        #expect(status == 405)
        #expect(json["errors"]?.stringArray?.isEmpty == false)
    }

    @Test func everyOtherPathReachesTheVaultAPIWithoutACertificate() throws {
        let (status, json) = try send("/v1/sys/seal-status", certificate: nil)
        #expect(status == 200)
        #expect(json["initialized"] == false)
        #expect(try send("/agent/v2/state", certificate: nil).status == 404)
    }
}

extension JSON {
    /// The elements when this is an array of strings.
    fileprivate var stringArray: [String]? {
        arrayValue?.compactMap(\.stringValue)
    }
}
