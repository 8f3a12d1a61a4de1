import CofferBase

/// Turns the HTML error pages evhttp sends on its own into Vault-style JSON error bodies.
///
/// libevent 2.1 answers oversized or malformed requests itself (413, 400, 417, 501) before any user
/// callback runs, always with a fixed HTML page. The worker watches each connection's output buffer; when
/// an addition has exactly the length of one of those pages, this type checks the bytes and, if they are
/// that page, returns the buffer's new contents with a JSON body and matching headers.
enum ErrorPageRewriter {
    /// One of evhttp's canned error pages and the JSON message that replaces it.
    struct Page {
        /// The status code evhttp sends with the page.
        let status: Int
        /// The reason phrase evhttp uses in the status line and the page.
        let phrase: String
        /// The page exactly as evhttp writes it.
        let html: [UInt8]
        /// The Vault-style body that replaces it.
        let json: [UInt8]

        /// Builds the page evhttp would write for `status` and the JSON carrying `message`.
        init(status: Int, phrase: String, message: String) {
            self.status = status
            self.phrase = phrase
            // The exact format evhttp_send_error prints in libevent 2.1.
            let html = "<HTML><HEAD>\n<TITLE>\(status) \(phrase)</TITLE>\n</HEAD><BODY>\n<H1>\(phrase)</H1>\n"
            self.html = Array((html + "</BODY></HTML>\n").utf8)
            self.json = JSON.object(["errors": .array([.string(message)])]).serialized()
        }
    }

    /// The pages evhttp can send by itself, keyed by their length (which differs for each).
    static let pagesByLength: [Int: Page] = {
        let pages = [
            Page(status: 400, phrase: "Bad Request", message: "malformed request"),
            Page(status: 413, phrase: "Request Entity Too Large", message: "request body too large"),
            Page(status: 417, phrase: "Expectation Failed", message: "expectation failed"),
            Page(status: 501, phrase: "Not Implemented", message: "method not implemented"),
        ]
        return Dictionary(pages.map { ($0.html.count, $0) }, uniquingKeysWith: { first, _ in first })
    }()

    /// The largest output buffer this type is willing to inspect; error responses are tiny.
    static let maximumInspectedBytes = 64 * 1024

    /// The replacement contents for an output buffer whose last `added` bytes are an evhttp error page,
    /// or `nil` when they are not. Bytes of earlier responses still waiting in the buffer are kept.
    static func rewrite(_ contents: UnsafeBufferPointer<UInt8>, added: Int) -> [UInt8]? {
        guard let page = pagesByLength[added], added <= contents.count,
            contents[(contents.count - added)...].elementsEqual(page.html)
        else { return nil }
        let headerEnd = contents.count - added
        let statusTail = Array(" \(page.status) \(page.phrase)\r\n".utf8)
        guard let statusStart = lastStatusLine(in: contents[..<headerEnd], endingWith: statusTail) else { return nil }
        let block = contents[statusStart..<headerEnd]
        guard block.count >= 4, block.suffix(4).elementsEqual("\r\n\r\n".utf8) else { return nil }

        var output = Array(contents[..<statusStart])
        let lines = block.dropLast(4).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        for (index, rawLine) in lines.enumerated() {
            let line = rawLine.last == UInt8(ascii: "\r") ? rawLine.dropLast() : rawLine
            if index > 0, isBodyDescribing(line) { continue }
            output.append(contentsOf: line)
            output.append(contentsOf: "\r\n".utf8)
        }
        output.append(contentsOf: "Content-Type: application/json\r\n".utf8)
        output.append(contentsOf: "Content-Length: \(page.json.count)\r\n\r\n".utf8)
        output.append(contentsOf: page.json)
        return output
    }

    private static func lastStatusLine(
        in bytes: UnsafeBufferPointer<UInt8>.SubSequence, endingWith tail: [UInt8]
    )
        -> Int?
    {
        let prefix = Array("HTTP/1.".utf8)
        let lineLength = prefix.count + 1 + tail.count
        var start = bytes.endIndex - lineLength
        // The last match is the error response's own status line: only its headers follow it, and an earlier
        // response may end anywhere, not necessarily at a line break.
        while start >= bytes.startIndex {
            if bytes[start..<start + prefix.count].elementsEqual(prefix),
                bytes[(start + prefix.count + 1)..<(start + lineLength)].elementsEqual(tail)
            {
                return start
            }
            start -= 1
        }
        return nil
    }

    private static func isBodyDescribing(_ line: some Collection<UInt8>) -> Bool {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return false }
        let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
        return name == "content-type" || name == "content-length"
    }
}
