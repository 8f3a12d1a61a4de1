import CofferBase
import CofferClient
import CofferHTTP
import Foundation
import Synchronization
import Testing

@Suite struct HTTPServerTests {
    @Test func plainRequestRoundTripsMethodPathQueryHeadersAndBody() throws {
        let running = try RunningServer()
        let response = try HTTPClient().send(
            method: "PUT", url: running.baseURL + "/v1/secret/data/a%20b?version=2&x=a+b&x=last",
            headers: [("X-Vault-Token", "s.token"), ("Content-Type", "application/json")],
            body: Array(#"{"data":{"k":"v"}}"#.utf8))
        let echo = try response.json()
        #expect(response.status == 200)
        #expect(response.header("x-echo") == "yes")
        #expect(response.header("Content-Type") == "application/json")
        #expect(echo["method"] == .string("PUT"))
        #expect(echo["path"] == .string("/v1/secret/data/a b"))
        #expect(echo["query"] == .object(["version": .string("2"), "x": .string("last")]))
        #expect(echo["headers"]?["x-vault-token"] == .string("s.token"))
        #expect(echo["body"] == .string(#"{"data":{"k":"v"}}"#))
        #expect(echo["remote"] == .string("127.0.0.1"))
        #expect(echo["tls"] == .bool(false))
    }

    @Test func listMethodReachesHandlerBetweenOtherRequestsOnOneConnection() throws {
        let running = try RunningServer()
        let client = HTTPClient()
        var methods: [JSON?] = []
        for method in ["GET", "LIST", "POST", "LIST", "DELETE"] {
            let response = try client.send(method: method, url: running.baseURL + "/v1/secret/metadata/")
            methods.append(try response.json()["method"])
        }
        #expect(methods == ["GET", "LIST", "POST", "LIST", "DELETE"].map { .string($0) })
    }

    @Test func headResponseCarriesLengthButNoBody() throws {
        let running = try RunningServer()
        let client = HTTPClient()
        let get = try client.send(method: "GET", url: running.baseURL + "/v1/sys/health")
        let head = try client.send(method: "HEAD", url: running.baseURL + "/v1/sys/health")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.header("Content-Length") != nil)
        #expect(get.body.isEmpty == false)
    }

    @Test func oversizedBodyIsAnsweredWith413AndJSONErrors() throws {
        let running = try RunningServer(maxBodyBytes: 1024)
        let response = try HTTPClient().send(
            method: "PUT", url: running.baseURL + "/v1/secret/data/big", body: [UInt8](repeating: 0x61, count: 4096))
        #expect(response.status == 413)
        #expect(response.header("Content-Type") == "application/json")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"errors":["request body too large"]}"#)
    }

    @Test func unknownMethodWithBodyIsRefusedBecauseEvhttpWouldNotReadIt() throws {
        let running = try RunningServer()
        let response = try HTTPClient().send(method: "FROB", url: running.baseURL + "/x", body: Array("GET /".utf8))
        #expect(response.status == 400)
        #expect(try response.json()["errors"] != nil)
    }

    @Test func traceIsNotImplementedAndAnsweredInJSON() throws {
        let running = try RunningServer()
        let response = try HTTPClient().send(method: "TRACE", url: running.baseURL + "/")
        #expect(response.status == 501)
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"errors":["method not implemented"]}"#)
    }

    @Test func concurrentRequestsFromSeveralThreadsAllSucceedOnSeveralWorkers() throws {
        let running = try RunningServer(workers: 4)
        let baseURL = running.baseURL
        let successes = Atomic<Int>(0)
        let group = DispatchGroup()
        for thread in 0..<4 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                var client = HTTPClient()
                for index in 0..<50 {
                    // Fresh clients mean fresh connections, which SO_REUSEPORT spreads over the workers.
                    if index % 5 == 0 { client = HTTPClient() }
                    let url = baseURL + "/v1/t\(thread)/\(index)"
                    if let response = try? client.send(method: "GET", url: url), response.status == 200,
                        (try? response.json()["path"]) == .string("/v1/t\(thread)/\(index)")
                    {
                        successes.add(1, ordering: .relaxed)
                    }
                }
            }
        }
        group.wait()
        #expect(successes.load(ordering: .relaxed) == 200)
        #expect(running.handler.threadCount > 1)
    }

    @Test func stoppedServerRefusesConnections() throws {
        let running = try RunningServer()
        let url = running.baseURL + "/v1/sys/health"
        #expect(try HTTPClient().send(method: "GET", url: url).status == 200)
        running.server.stop()
        running.server.stop()
        let error = #expect(throws: ClientError.self) {
            try HTTPClient(timeoutSeconds: 2).send(method: "GET", url: url)
        }
        #expect(error?.code == .connect)
    }

    @Test func stoppedAndReleasedServerLetsGoOfItsHandler() throws {
        weak var released: EchoHandler?
        do {
            let running = try RunningServer()
            released = running.handler
            #expect(try HTTPClient().send(method: "GET", url: running.baseURL + "/").status == 200)
        }
        #expect(released == nil)
    }

    @Test func startingTwiceIsAStateError() throws {
        let running = try RunningServer()
        let error = #expect(throws: HTTPServerError.self) { try running.server.start() }
        #expect(error?.code == .state)
    }

    @Test func hostThatIsNotALiteralIsRejectedAtStart() throws {
        let configuration = HTTPServerConfiguration(host: "example.com", port: 0, workerThreads: 1)
        let server = try HTTPServer(
            configuration: configuration, handler: EchoHandler(), logger: Logger(label: "t", sink: MemoryLogSink()))
        let error = #expect(throws: HTTPServerError.self) { try server.start() }
        #expect(error?.code == .invalidConfiguration)
    }

    @Test func missingCertificateFileIsATLSErrorAtInit() {
        let tls = TLSServerConfiguration(certificateChainFile: "/nonexistent/cert.pem", privateKeyFile: "/x.key")
        let configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0, tls: tls, workerThreads: 1)
        do {
            _ = try HTTPServer(
                configuration: configuration, handler: EchoHandler(), logger: Logger(label: "t", sink: MemoryLogSink()))
            Issue.record("init should have failed")
        } catch {
            #expect(error.code == .tls)
            #expect(error.description.hasPrefix("http.tls: loading the certificate chain"))
        }
    }
}
