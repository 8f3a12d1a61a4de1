import CofferBase
import CofferClient
import CofferTestSupport
import Testing

@Suite struct HTTPClientTLSTests {
    @Test func trustedCAFromMemoryIsEnough() throws {
        let pki = try TestPKI.shared()
        let server = try TestServer(pki: pki)
        let response = try HTTPClient(tls: ClientTLS(caPEM: pki.caPEM)).send(method: "GET", url: server.baseURL + "/")
        #expect(response.status == 200)
    }

    @Test func serverFromAnUntrustedCAIsATLSError() throws {
        let pki = try TestPKI.shared()
        let server = try TestServer(pki: pki)
        let client = HTTPClient(tls: ClientTLS(caPEM: pki.otherCAPEM))
        #expect(code(of: { try client.send(method: "GET", url: server.baseURL + "/") }) == .tls)
    }

    @Test func systemTrustStoreDoesNotTrustTheTestCA() throws {
        let server = try TestServer(pki: try TestPKI.shared())
        #expect(code(of: { try HTTPClient().send(method: "GET", url: server.baseURL + "/") }) == .tls)
    }

    @Test func matchingPublicKeyPinIsAccepted() throws {
        let pki = try TestPKI.shared()
        let server = try TestServer(pki: pki)
        let tls = ClientTLS(caPEM: pki.caPEM, pinnedPublicKeySHA256Base64: pki.serverPublicKeyPin)
        #expect(try HTTPClient(tls: tls).send(method: "GET", url: server.baseURL + "/").status == 200)
    }

    @Test func mismatchedPublicKeyPinIsATLSError() throws {
        let pki = try TestPKI.shared()
        let server = try TestServer(pki: pki)
        let otherPin = Base64.encode([UInt8](repeating: 7, count: 32))
        let client = HTTPClient(tls: ClientTLS(caPEM: pki.caPEM, pinnedPublicKeySHA256Base64: otherPin))
        #expect(code(of: { try client.send(method: "GET", url: server.baseURL + "/") }) == .tls)
    }

    @Test func insecureSkipVerifyAcceptsAnUntrustedServer() throws {
        let server = try TestServer(pki: try TestPKI.shared())
        let client = HTTPClient(tls: ClientTLS(insecureSkipVerify: true))
        #expect(try client.send(method: "GET", url: server.baseURL + "/").status == 200)
    }

    @Test func offeredALPNProtocolIsTheOneNegotiated() throws {
        let pki = try TestPKI.shared()
        let server = try TestServer(pki: pki, alpn: ["http/1.1", "coffer-test-v1"])
        let plain = try HTTPClient(tls: ClientTLS(caPEM: pki.caPEM)).send(method: "GET", url: server.baseURL + "/")
        let custom = try HTTPClient(tls: ClientTLS(caPEM: pki.caPEM, alpn: "coffer-test-v1"))
            .send(method: "GET", url: server.baseURL + "/")
        #expect(try plain.json()["alpn"] == .string("http/1.1"))
        #expect(try custom.json()["alpn"] == .string("coffer-test-v1"))
    }
}
