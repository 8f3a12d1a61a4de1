import Testing

@testable import CofferHTTP

@Suite struct ErrorPageRewriterTests {
    private let html413 =
        "<HTML><HEAD>\n<TITLE>413 Request Entity Too Large</TITLE>\n</HEAD><BODY>\n"
        + "<H1>Request Entity Too Large</H1>\n</BODY></HTML>\n"

    private func rewrite(_ text: String, added: Int) -> String? {
        Array(text.utf8).withUnsafeBufferPointer { bytes in
            ErrorPageRewriter.rewrite(bytes, added: added).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    @Test func evhttp413PageBecomesJSONWithMatchingHeaders() {
        let head =
            "HTTP/1.1 413 Request Entity Too Large\r\nContent-Type: text/html; charset=ISO-8859-1\r\n"
            + "Connection: close\r\nContent-Length: \(html413.utf8.count)\r\n\r\n"
        let rewritten = rewrite(head + html413, added: html413.utf8.count)
        let json = #"{"errors":["request body too large"]}"#
        #expect(
            rewritten
                == "HTTP/1.1 413 Request Entity Too Large\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(json.utf8.count)\r\n\r\n\(json)")
    }

    @Test func earlierResponseStillInTheBufferIsKept() {
        let earlier = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
        let head = "HTTP/1.1 413 Request Entity Too Large\r\nConnection: close\r\n\r\n"
        let rewritten = rewrite(earlier + head + html413, added: html413.utf8.count)
        #expect(rewritten?.hasPrefix(earlier + "HTTP/1.1 413 Request Entity Too Large\r\n") == true)
    }

    @Test func handlerBodyOfTheSameLengthIsLeftAlone() {
        let body = String(repeating: "x", count: html413.utf8.count)
        #expect(rewrite("HTTP/1.1 200 OK\r\n\r\n" + body, added: body.utf8.count) == nil)
    }

    @Test func pageLengthsAreDistinct() {
        #expect(ErrorPageRewriter.pagesByLength.count == 4)
    }
}
