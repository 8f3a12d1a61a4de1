import CofferBase
import CofferClient
import CofferHTTP
import Foundation
import Synchronization
import Testing

/// Writes (anything but GET and HEAD) run on the blocking pool and their replies return to the loop.
@Suite struct DeferredReplyTests {
    /// Holds every POST until `release()`; answers GETs at once.
    final class GatedHandler: HTTPHandler {
        let gate = ConditionLock()
        private let open = Mutex(false)
        let postsStarted = Atomic<Int>(0)

        func handle(_ request: HTTPRequest) -> HTTPResponse {
            if request.method == "POST" {
                postsStarted.add(1, ordering: .relaxed)
                gate.withLock { _ = gate.wait(timeoutMilliseconds: 10_000) { open.withLock { $0 } } }
                return HTTPResponse(status: 200, body: Array("posted".utf8))
            }
            return HTTPResponse(status: 200, body: Array("read".utf8))
        }

        func release() {
            gate.withLock {
                open.withLock { $0 = true }
                gate.broadcast()
            }
        }
    }

    func server(_ handler: GatedHandler) throws -> HTTPServer {
        let configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0, workerThreads: 1)
        let server = try HTTPServer(
            configuration: configuration, handler: handler,
            logger: Logger(label: "test.http", level: .warning, sink: MemoryLogSink()))
        try server.start()
        return server
    }

    @Test func aBlockedWriteDoesNotHoldUpReadsOnItsEventLoop() throws {
        let handler = GatedHandler()
        let server = try server(handler)
        defer { server.stop() }
        let writer = try RawConnection(port: server.boundPort)
        writer.send("POST /w HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        let deadline = Date().addingTimeInterval(5)
        while handler.postsStarted.load(ordering: .relaxed) == 0, Date() < deadline { usleep(1_000) }
        #expect(handler.postsStarted.load(ordering: .relaxed) == 1)

        // One event loop only: this read is answered while the write still waits.
        let client = HTTPClient(timeoutSeconds: 5)
        let read = try client.send(method: "GET", url: "http://127.0.0.1:\(server.boundPort)/r")
        #expect(read.status == 200)
        #expect(String(decoding: read.body, as: UTF8.self) == "read")

        handler.release()
        let reply = writer.readToEnd()
        #expect(reply.hasPrefix("HTTP/1.1 200"), "\(reply)")
        #expect(reply.hasSuffix("posted"))
    }

    @Test func clientsThatHangUpBeforeTheirReplyLeaveTheServerServing() throws {
        let handler = GatedHandler()
        let server = try server(handler)
        defer { server.stop() }
        for _ in 0..<20 {
            let writer = try RawConnection(port: server.boundPort)
            writer.send("POST /w HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        }  // each connection closes here, while its write waits at the gate
        let deadline = Date().addingTimeInterval(5)
        while handler.postsStarted.load(ordering: .relaxed) < 20, Date() < deadline { usleep(1_000) }
        #expect(handler.postsStarted.load(ordering: .relaxed) == 20)
        handler.release()
        let client = HTTPClient(timeoutSeconds: 5)
        for _ in 0..<5 {
            let response = try client.send(method: "POST", url: "http://127.0.0.1:\(server.boundPort)/w", body: [])
            #expect(response.status == 200)
        }
        let read = try client.send(method: "GET", url: "http://127.0.0.1:\(server.boundPort)/r")
        #expect(read.status == 200)
    }

    @Test func stoppingTheServerWaitsForWritesInFlight() throws {
        let handler = GatedHandler()
        let server = try server(handler)
        let writer = try RawConnection(port: server.boundPort)
        writer.send("POST /w HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        let deadline = Date().addingTimeInterval(5)
        while handler.postsStarted.load(ordering: .relaxed) == 0, Date() < deadline { usleep(1_000) }
        let stopper = Thread { server.stop() }
        stopper.start()
        let stopping = Date().addingTimeInterval(5)
        while !server.isStopping, Date() < stopping { usleep(1_000) }
        #expect(server.isStopping)
        // Were stop() to drop writes in flight, the reply below would be empty.
        handler.release()
        let reply = writer.readToEnd()
        #expect(reply.hasPrefix("HTTP/1.1 200"), "the write in flight was answered before the loops ended: \(reply)")
    }
}
