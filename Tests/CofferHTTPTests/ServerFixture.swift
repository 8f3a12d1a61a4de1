import CofferBase
import CofferClient
import CofferHTTP
import CofferTestSupport
import Foundation
import Synchronization

/// Answers every request with a JSON description of what the server parsed, and remembers which
/// threads handled requests.
final class EchoHandler: HTTPHandler {
    private let threads = Mutex<Set<UInt>>([])

    /// How many distinct threads have run this handler.
    var threadCount: Int { threads.withLock { $0.count } }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        threads.withLock { _ = $0.insert(UInt(pthread_self())) }
        var headers: [String: JSON] = [:]
        for header in request.headers { headers[header.name] = .string(header.value) }
        let echo: JSON = .object([
            "method": .string(request.method),
            "path": .string(request.path),
            "query": .object(request.query.mapValues { .string($0) }),
            "headers": .object(headers),
            "body": .string(String(decoding: request.body, as: UTF8.self)),
            "remote": .string(request.remoteAddress),
            "tls": .bool(request.isTLS),
            "alpn": request.alpn.map { .string($0) } ?? .null,
            "peer": request.peerCertificateSubject.map { .string($0) } ?? .null,
            "peerDERBytes": .int(Int64(request.peerCertificateDER?.count ?? 0)),
        ])
        return HTTPResponse(
            status: 200, headers: [("Content-Type", "application/json"), ("X-Echo", "yes")], body: echo.serialized())
    }
}

/// A started server on an ephemeral 127.0.0.1 port; stopped when released.
final class RunningServer {
    let server: HTTPServer
    let handler: EchoHandler
    let baseURL: String

    init(tls: TLSServerConfiguration? = nil, workers: Int = 2, maxBodyBytes: Int = 1 << 20) throws {
        handler = EchoHandler()
        let configuration = HTTPServerConfiguration(
            host: "127.0.0.1", port: 0, tls: tls, workerThreads: workers, maxBodyBytes: maxBodyBytes)
        let logger = Logger(label: "test.http", level: .warning, sink: MemoryLogSink())
        server = try HTTPServer(configuration: configuration, handler: handler, logger: logger)
        try server.start()
        baseURL = "\(tls == nil ? "http" : "https")://127.0.0.1:\(server.boundPort)"
    }

    /// Starts a TLS server from the shared test PKI; the PEM files live only until the server has read them.
    convenience init(
        pki: TestPKI, clientCA: Bool = false, requireClientCertificate: Bool = false,
        alpn: [String] = ["http/1.1"]
    ) throws {
        let directory = try TemporaryDirectory()
        let tls = TLSServerConfiguration(
            certificateChainFile: try directory.write("server.pem", pki.serverCertificatePEM),
            privateKeyFile: try directory.write("server.key", pki.serverKeyPEM),
            clientCAFile: clientCA ? try directory.write("ca.pem", pki.caPEM) : nil,
            requireClientCertificate: requireClientCertificate, alpnProtocols: alpn)
        try self.init(tls: tls)
    }

    deinit {
        server.stop()
    }
}

extension ClientResponse {
    /// The body parsed as JSON.
    func json() throws -> JSON { try JSON.parse(body) }
}
