/// A lexical token of the HCL subset that policy documents use, with where it starts.
struct HCLToken {
    /// What the token is.
    enum Kind: Equatable {
        /// A bare word such as `path`, `capabilities` or `true`.
        case identifier(String)
        /// A quoted string, unescaped.
        case string(String)
        /// A number as written.
        case number(String)
        /// One of `{ } [ ] = , :`.
        case punctuation(UInt8)
        /// The end of the document.
        case end
    }

    /// What the token is.
    let kind: Kind
    /// The 1-based line the token starts on.
    let line: Int
    /// The 1-based column the token starts at.
    let column: Int

    /// Whether the token is the punctuation character `character`.
    func isPunctuation(_ character: Unicode.Scalar) -> Bool {
        kind == .punctuation(UInt8(ascii: character))
    }

    /// A short description for error messages, such as `"]"` or `end of document`.
    var summary: String {
        switch kind {
        case .identifier(let name): return "\"\(name)\""
        case .string: return "a string"
        case .number: return "a number"
        case .punctuation(let byte): return "\"\(Character(Unicode.Scalar(byte)))\""
        case .end: return "end of document"
        }
    }
}
