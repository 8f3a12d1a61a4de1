import CofferBase
import CofferClient
import CofferHTTP
import CofferTestSupport
import Foundation
import Testing

@Suite struct HTTPServerTLSTests {
    @Test func httpsServesClientThatTrustsTheCA() throws {
        let pki = try TestPKI.shared()
        let running = try RunningServer(pki: pki)
        let client = HTTPClient(tls: ClientTLS(caPEM: pki.caPEM))
        let echo = try client.send(method: "GET", url: running.baseURL + "/v1/sys/health").json()
        #expect(echo["tls"] == .bool(true))
        #expect(echo["alpn"] == .string("http/1.1"))
        #expect(echo["peer"] == .null)
    }

    @Test func requiredClientCertificateRefusesClientWithoutOne() throws {
        let pki = try TestPKI.shared()
        let running = try RunningServer(pki: pki, clientCA: true, requireClientCertificate: true)
        let client = HTTPClient(tls: ClientTLS(caPEM: pki.caPEM))
        do {
            _ = try client.send(method: "GET", url: running.baseURL + "/")
            Issue.record("a client without a certificate was served")
        } catch {
            // TLS 1.3 rejects the missing certificate after the client considers the handshake done, so
            // the client may be writing its request when the alert and the close arrive.
            #expect([.tls, .transport].contains(error.code), "\(error)")
        }
        #expect(running.handler.threadCount == 0)
    }

    @Test func requiredClientCertificateAcceptsValidOneAndExposesItsSubject() throws {
        let pki = try TestPKI.shared()
        let running = try RunningServer(pki: pki, clientCA: true, requireClientCertificate: true)
        let tls = ClientTLS(caPEM: pki.caPEM, certificatePEM: pki.clientCertificatePEM, privateKeyPEM: pki.clientKeyPEM)
        let echo = try HTTPClient(tls: tls).send(method: "GET", url: running.baseURL + "/").json()
        #expect(echo["peer"] == .string(TestPKI.clientSubject))
        #expect((echo["peerDERBytes"]?.intValue ?? 0) > 100)
    }

    @Test func optionalClientCertificateLetsAnonymousClientsIn() throws {
        let pki = try TestPKI.shared()
        let running = try RunningServer(pki: pki, clientCA: true, requireClientCertificate: false)
        let echo = try HTTPClient(tls: ClientTLS(caPEM: pki.caPEM)).send(method: "GET", url: running.baseURL + "/")
            .json()
        #expect(echo["tls"] == .bool(true))
        #expect(echo["peer"] == .null)
    }

    @Test func customALPNProtocolIsNegotiatedWhenTheServerListsIt() throws {
        let pki = try TestPKI.shared()
        let running = try RunningServer(pki: pki, alpn: ["coffer-test-v1", "http/1.1"])
        let client = HTTPClient(tls: ClientTLS(caPEM: pki.caPEM, alpn: "coffer-test-v1"))
        let echo = try client.send(method: "GET", url: running.baseURL + "/").json()
        #expect(echo["alpn"] == .string("coffer-test-v1"))
    }

    @Test func keepAliveTLSResponsesAreNotHeldBackByNagle() throws {
        let pki = try TestPKI.shared()
        let running = try RunningServer(pki: pki)
        let client = HTTPClient(tls: ClientTLS(caPEM: pki.caPEM))
        _ = try client.send(method: "GET", url: running.baseURL + "/warm-up")
        let started = Date()
        for index in 0..<20 {
            #expect(try client.send(method: "GET", url: running.baseURL + "/\(index)").status == 200)
        }
        // With Nagle on, each response would wait ~40 ms for a delayed ACK: 800 ms for twenty.
        #expect(Date().timeIntervalSince(started) < 0.6)
    }
}
