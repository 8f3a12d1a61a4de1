import CofferHTTP
import Foundation
import Testing

/// How the server names methods when requests arrive back to back or in pieces; libevent 2.1 drops the
/// name of any method it does not know, so the server reads it from the wire itself.
@Suite struct HTTPServerPipeliningTests {
    @Test func pipelinedRequestsKeepTheirOwnMethods() throws {
        let running = try RunningServer()
        let connection = try RawConnection(port: running.server.boundPort)
        connection.send(
            "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
                + "LIST /b HTTP/1.1\r\nHost: x\r\n\r\n"
                + "PUT /c HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nLIST"
                + "LIST /d HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let replies = connection.readToEnd()
        let methods = replies.matches(of: /"method":"([A-Z]+)"/).map { String($0.output.1) }
        #expect(methods == ["GET", "LIST", "PUT", "LIST"])
    }

    @Test func methodSplitAcrossPacketsIsStillRecognised() throws {
        let running = try RunningServer()
        let connection = try RawConnection(port: running.server.boundPort)
        // With TCP_NODELAY the first fragment usually travels, and is read, on its own.
        connection.send("LI")
        connection.send("ST /v1/secret/metadata/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(connection.readToEnd().contains(#""method":"LIST""#))
    }

    @Test func overlongMethodIsNotImplemented() throws {
        let running = try RunningServer()
        let connection = try RawConnection(port: running.server.boundPort)
        connection.send("PROPFINDEXTENDED /x HTTP/1.1\r\nHost: x\r\n\r\n")
        let reply = connection.readToEnd()
        #expect(reply.hasPrefix("HTTP/1.1 501"))
        #expect(reply.hasSuffix(#"{"errors":["method not implemented"]}"#))
    }

    @Test func malformedRequestLineGetsJSONBadRequest() throws {
        let running = try RunningServer()
        let connection = try RawConnection(port: running.server.boundPort)
        connection.send("GET\r\n\r\n")
        let reply = connection.readToEnd()
        #expect(reply.hasPrefix("HTTP/1.1 400"))
        #expect(reply.contains("Content-Type: application/json\r\n"))
        #expect(reply.hasSuffix(#"{"errors":["malformed request"]}"#))
    }
}
