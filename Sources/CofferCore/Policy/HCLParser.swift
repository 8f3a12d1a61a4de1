/// Parses the HCL subset that Vault policies use, and JSON through the same grammar.
///
/// Grammar: a document is a body, or one `{ body }` object (the JSON form). A body is items
/// separated by optional commas; an item is `key = value`, `key: value`, or a block
/// `key "label"... { body }`, which nests one object per label. Values are strings, numbers,
/// `true`, `false`, `null`, lists and objects. JSON shares this grammar, so JSON documents get
/// the same line and column errors as HCL ones.
struct HCLParser {
    // Policies are shallow; the limit only stops hostile input from exhausting the stack.
    private static let maximumDepth = 32

    private var lexer: HCLLexer
    private var token: HCLToken
    private var depth = 0

    /// Parses `text` and returns the entries of its top-level object.
    static func parse(_ text: String) throws(PolicyError) -> [HCLEntry] {
        var parser = try HCLParser(text)
        let entries: [HCLEntry]
        if parser.token.isPunctuation("{") {
            guard case .object(let members) = try parser.parseValue().value else { return [] }
            entries = members
        } else {
            entries = try parser.parseBody()
        }
        guard parser.token.kind == .end else { throw parser.unexpected("end of document") }
        return entries
    }

    private init(_ text: String) throws(PolicyError) {
        lexer = HCLLexer(text)
        token = try lexer.next()
    }

    private mutating func advance() throws(PolicyError) {
        token = try lexer.next()
    }

    /// Items up to a closing `}` or the end of the document, which the caller consumes.
    private mutating func parseBody() throws(PolicyError) -> [HCLEntry] {
        var entries: [HCLEntry] = []
        while token.kind != .end, !token.isPunctuation("}") {
            entries.append(try parseItem())
            if token.isPunctuation(",") { try advance() }
        }
        return entries
    }

    private mutating func parseItem() throws(PolicyError) -> HCLEntry {
        let start = token
        let key: String
        switch token.kind {
        case .identifier(let name), .string(let name): key = name
        default: throw unexpected("a key")
        }
        try advance()

        if token.isPunctuation("=") || token.isPunctuation(":") {
            try advance()
            return HCLEntry(key: key, line: start.line, column: start.column, value: try parseValue())
        }

        var labels: [HCLToken] = []
        while case .string = token.kind {
            labels.append(token)
            try advance()
        }
        guard token.isPunctuation("{") else { throw unexpected("\"=\" or \"{\" after \"\(key)\"") }
        var value = try parseValue()
        for label in labels.reversed() {
            guard case .string(let name) = label.kind else { continue }
            let entry = HCLEntry(key: name, line: label.line, column: label.column, value: value)
            value = HCLNode(value: .object([entry]), line: label.line, column: label.column)
        }
        return HCLEntry(key: key, line: start.line, column: start.column, value: value)
    }

    private mutating func parseValue() throws(PolicyError) -> HCLNode {
        let start = token
        func node(_ value: HCLNode.Value) -> HCLNode {
            HCLNode(value: value, line: start.line, column: start.column)
        }

        switch token.kind {
        case .string(let text):
            try advance()
            return node(.string(text))
        case .number(let text):
            try advance()
            return node(.number(text))
        case .identifier("true"), .identifier("false"):
            try advance()
            return node(.bool(start.kind == .identifier("true")))
        case .identifier("null"):
            try advance()
            return node(.null)
        case .punctuation(UInt8(ascii: "[")):
            return node(.list(try nested { (parser) throws(PolicyError) in try parser.parseListItems() }))
        case .punctuation(UInt8(ascii: "{")):
            return node(.object(try nested { (parser) throws(PolicyError) in try parser.parseObjectItems() }))
        default:
            throw unexpected("a value")
        }
    }

    /// Runs `body` one nesting level deeper, refusing documents nested beyond the limit.
    private mutating func nested<Result>(
        _ body: (inout HCLParser) throws(PolicyError) -> Result
    ) throws(PolicyError) -> Result {
        guard depth < Self.maximumDepth else {
            throw PolicyError(code: .syntax, line: token.line, column: token.column, reason: "nesting too deep")
        }
        depth += 1
        defer { depth -= 1 }
        return try body(&self)
    }

    private mutating func parseListItems() throws(PolicyError) -> [HCLNode] {
        try advance()
        var items: [HCLNode] = []
        while !token.isPunctuation("]") {
            items.append(try parseValue())
            if token.isPunctuation(",") {
                try advance()
            } else if !token.isPunctuation("]") {
                throw unexpected("\",\" or \"]\"")
            }
        }
        try advance()
        return items
    }

    private mutating func parseObjectItems() throws(PolicyError) -> [HCLEntry] {
        try advance()
        let entries = try parseBody()
        guard token.isPunctuation("}") else { throw unexpected("\"}\"") }
        try advance()
        return entries
    }

    private func unexpected(_ expected: String) -> PolicyError {
        PolicyError(
            code: .syntax, line: token.line, column: token.column,
            reason: "expected \(expected), found \(token.summary)")
    }
}
