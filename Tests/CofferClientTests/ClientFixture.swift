import CofferBase
import CofferClient
import CofferHTTP
import CofferTestSupport
import Foundation
import Glibc

/// Describes each request as JSON: method, path, headers and body as the server saw them.
struct DescribingHandler: HTTPHandler {
    func handle(_ request: HTTPRequest) -> HTTPResponse {
        var headers: [String: JSON] = [:]
        for header in request.headers { headers[header.name] = .string(header.value) }
        let description: JSON = .object([
            "method": .string(request.method),
            "path": .string(request.path),
            "headers": .object(headers),
            "body": .string(String(decoding: request.body, as: UTF8.self)),
            "alpn": request.alpn.map { .string($0) } ?? .null,
        ])
        return HTTPResponse(
            status: request.path == "/missing" ? 404 : 200,
            headers: [("Content-Type", "application/json"), ("X-Served-By", "coffer-test")],
            body: description.serialized())
    }
}

/// A started server on an ephemeral 127.0.0.1 port; stopped when released.
final class TestServer {
    let server: HTTPServer
    let baseURL: String

    init(pki: TestPKI? = nil, alpn: [String] = ["http/1.1"]) throws {
        var tls: TLSServerConfiguration?
        let directory = try TemporaryDirectory()
        if let pki {
            tls = TLSServerConfiguration(
                certificateChainFile: try directory.write("server.pem", pki.serverCertificatePEM),
                privateKeyFile: try directory.write("server.key", pki.serverKeyPEM), alpnProtocols: alpn)
        }
        let configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0, tls: tls, workerThreads: 2)
        let logger = Logger(label: "test.client", level: .warning, sink: MemoryLogSink())
        server = try HTTPServer(configuration: configuration, handler: DescribingHandler(), logger: logger)
        try server.start()
        baseURL = "\(pki == nil ? "http" : "https")://127.0.0.1:\(server.boundPort)"
    }

    deinit {
        server.stop()
    }
}

/// A loopback socket that listens but never accepts or answers: connections complete in the kernel
/// backlog and then hear nothing.
final class SilentListener {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && listen(descriptor, 8) == 0
                    && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRNOTAVAIL) }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        close(descriptor)
    }
}

extension ClientResponse {
    /// The body parsed as JSON.
    func json() throws -> JSON { try JSON.parse(body) }
}
