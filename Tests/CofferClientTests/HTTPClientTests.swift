import CofferBase
import CofferClient
import Foundation
import Testing

@Suite struct HTTPClientTests {
    @Test func sendsMethodHeadersAndBodyAndReadsTheResponse() throws {
        let server = try TestServer()
        let response = try HTTPClient().send(
            method: "PUT", url: server.baseURL + "/v1/kv/item", headers: [("X-Vault-Token", "t-1")],
            body: Array("payload".utf8))
        let seen = try response.json()
        #expect(response.status == 200)
        #expect(response.header("x-served-by") == "coffer-test")
        #expect(seen["method"] == .string("PUT"))
        #expect(seen["headers"]?["x-vault-token"] == .string("t-1"))
        #expect(seen["body"] == .string("payload"))
    }

    @Test func lineBreaksInHeaderValuesCannotInjectHeaders() throws {
        let server = try TestServer()
        let seen = try HTTPClient().send(
            method: "GET", url: server.baseURL + "/", headers: [("X-Note", "a\r\nX-Injected: yes")]
        ).json()
        #expect(seen["headers"]?["x-injected"] == nil)
        #expect(seen["headers"]?["x-note"] == .string("a X-Injected: yes"))
    }

    @Test func bodyWithoutContentTypeIsNotLabelledAsAForm() throws {
        let server = try TestServer()
        let seen = try HTTPClient().send(method: "POST", url: server.baseURL + "/", body: Array("{}".utf8)).json()
        #expect(seen["headers"]?["content-type"] == nil)
        #expect(seen["headers"]?["content-length"] == .string("2"))
    }

    @Test func postWithoutBodySendsZeroContentLength() throws {
        let server = try TestServer()
        let seen = try HTTPClient().send(method: "POST", url: server.baseURL + "/").json()
        #expect(seen["headers"]?["content-length"] == .string("0"))
    }

    @Test func customMethodIsSentVerbatim() throws {
        let server = try TestServer()
        let seen = try HTTPClient().send(method: "LIST", url: server.baseURL + "/v1/secret/metadata/").json()
        #expect(seen["method"] == .string("LIST"))
    }

    @Test func headReadsNoBody() throws {
        let server = try TestServer()
        let response = try HTTPClient().send(method: "HEAD", url: server.baseURL + "/")
        #expect(response.status == 200)
        #expect(response.body.isEmpty)
        #expect(response.header("content-length").flatMap { Int($0) } ?? 0 > 0)
    }

    @Test func errorStatusIsAResponseNotAnError() throws {
        let server = try TestServer()
        #expect(try HTTPClient().send(method: "GET", url: server.baseURL + "/missing").status == 404)
    }

    @Test func closedPortIsAConnectError() throws {
        let port = try {
            let listener = try SilentListener()
            return listener.port
        }()
        #expect(throws: ClientError.self) { try HTTPClient().send(method: "GET", url: "http://127.0.0.1:\(port)/") }
        #expect(code(of: { try HTTPClient().send(method: "GET", url: "http://127.0.0.1:\(port)/") }) == .connect)
    }

    @Test(arguments: ["ftp://127.0.0.1/file", "file:///etc/passwd", "http://[::1/"])
    func unsupportedOrMalformedURLIsInvalid(url: String) {
        #expect(code(of: { try HTTPClient().send(method: "GET", url: url) }) == .invalidURL)
    }

    @Test func silentServerTimesOut() throws {
        let listener = try SilentListener()
        let client = HTTPClient(timeoutSeconds: 1)
        #expect(code(of: { try client.send(method: "GET", url: "http://127.0.0.1:\(listener.port)/") }) == .timeout)
    }

    @Test func errorDescriptionNamesDomainAndCode() {
        #expect(ClientError(code: .tls, reason: "bad certificate").description == "client.tls: bad certificate")
    }
}

/// The code of the ``ClientError`` that `body` throws, or `nil` when it succeeds or throws something else.
func code(of body: () throws -> ClientResponse) -> ClientError.Code? {
    do {
        _ = try body()
        return nil
    } catch {
        return (error as? ClientError)?.code
    }
}
