import CofferBase

/// Splits a policy document into tokens, skipping whitespace and `#`, `//` and `/* */` comments.
///
/// Columns count characters, not bytes, so positions match what an editor shows.
struct HCLLexer {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var column = 1

    /// Prepares to tokenize `text`.
    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    /// Returns the next token, or `.end` once the text is exhausted.
    mutating func next() throws(PolicyError) -> HCLToken {
        try skipTrivia()
        let startLine = line
        let startColumn = column
        func token(_ kind: HCLToken.Kind) -> HCLToken {
            HCLToken(kind: kind, line: startLine, column: startColumn)
        }

        guard let byte = peek() else { return token(.end) }
        switch byte {
        case UInt8(ascii: "\""):
            return token(.string(try readString()))
        case UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "["), UInt8(ascii: "]"),
            UInt8(ascii: "="), UInt8(ascii: ","), UInt8(ascii: ":"):
            advance()
            return token(.punctuation(byte))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let text = readWhile { Self.isNumberByte($0) }
            guard text.utf8.contains(where: { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
                throw PolicyError(code: .syntax, line: startLine, column: startColumn, reason: "invalid number")
            }
            return token(.number(text))
        default:
            guard Self.isIdentifierStart(byte) else {
                let shown = byte < 0x80 ? "\"\(Character(Unicode.Scalar(byte)))\"" : "character"
                throw error("unexpected \(shown)")
            }
            return token(.identifier(readWhile { Self.isIdentifierByte($0) }))
        }
    }

    private func peek(_ offset: Int = 0) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    private mutating func advance() {
        let byte = bytes[index]
        index += 1
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            // UTF-8 continuation bytes belong to the character already counted.
            column += 1
        }
    }

    private mutating func readWhile(_ predicate: (UInt8) -> Bool) -> String {
        let start = index
        while let byte = peek(), predicate(byte) { advance() }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func skipTrivia() throws(PolicyError) {
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                advance()
            case UInt8(ascii: "#"):
                skipLine()
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "/"):
                skipLine()
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                try skipBlockComment()
            default:
                return
            }
        }
    }

    private mutating func skipLine() {
        while let byte = peek(), byte != UInt8(ascii: "\n") { advance() }
    }

    private mutating func skipBlockComment() throws(PolicyError) {
        let unterminated = error("unterminated comment")
        advance()
        advance()
        while let byte = peek() {
            advance()
            if byte == UInt8(ascii: "*"), peek() == UInt8(ascii: "/") {
                advance()
                return
            }
        }
        throw unterminated
    }

    private mutating func readString() throws(PolicyError) -> String {
        let unterminated = error("unterminated string")
        advance()
        var result: [UInt8] = []
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: "\""):
                advance()
                return String(decoding: result, as: UTF8.self)
            case UInt8(ascii: "\n"):
                throw unterminated
            case UInt8(ascii: "\\"):
                try readEscape(into: &result)
            default:
                result.append(byte)
                advance()
            }
        }
        throw unterminated
    }

    private mutating func readEscape(into result: inout [UInt8]) throws(PolicyError) {
        let invalid = error("invalid escape sequence")
        advance()
        guard let byte = peek() else { throw invalid }
        advance()
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): result.append(byte)
        case UInt8(ascii: "n"): result.append(UInt8(ascii: "\n"))
        case UInt8(ascii: "t"): result.append(UInt8(ascii: "\t"))
        case UInt8(ascii: "r"): result.append(UInt8(ascii: "\r"))
        case UInt8(ascii: "b"): result.append(0x08)
        case UInt8(ascii: "f"): result.append(0x0C)
        case UInt8(ascii: "u"):
            var code: UInt32 = 0
            for _ in 0..<4 {
                guard let digit = peek().flatMap(Hex.value(of:)) else { throw invalid }
                code = code << 4 | UInt32(digit)
                advance()
            }
            // Surrogate halves cannot stand alone in a Swift string, so they are refused like bad hex.
            guard let scalar = Unicode.Scalar(code) else { throw invalid }
            result.append(contentsOf: String(Character(scalar)).utf8)
        default:
            throw invalid
        }
    }

    private func error(_ reason: String) -> PolicyError {
        PolicyError(code: .syntax, line: line, column: column, reason: reason)
    }

    private static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_")
    }

    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "+"),
            UInt8(ascii: "e"), UInt8(ascii: "E"):
            return true
        default:
            return false
        }
    }
}
