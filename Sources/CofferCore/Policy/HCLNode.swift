/// A value in a parsed policy document, with the position where it starts.
///
/// Objects keep their entries as a list in document order, because HCL repeats keys to express
/// several blocks (`path "a" {}` followed by `path "b" {}`), which a dictionary would collapse.
struct HCLNode {
    /// The value's content.
    indirect enum Value {
        /// A quoted string, unescaped.
        case string(String)
        /// A number as written; policies never compute with one.
        case number(String)
        /// `true` or `false`.
        case bool(Bool)
        /// `null`, which JSON documents may contain.
        case null
        /// A `[...]` list.
        case list([HCLNode])
        /// A `{...}` object or block body, entries in document order.
        case object([HCLEntry])
    }

    /// The value's content.
    let value: Value
    /// The 1-based line the value starts on.
    let line: Int
    /// The 1-based column the value starts at.
    let column: Int

    /// A short name of the value's kind for error messages.
    var kindName: String {
        switch value {
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        case .list: return "a list"
        case .object: return "an object"
        }
    }
}

/// One `key = value` item, or one block, of an HCL object.
struct HCLEntry {
    /// The key, or the label of a block.
    let key: String
    /// The 1-based line of the key.
    let line: Int
    /// The 1-based column of the key.
    let column: Int
    /// The value or block body.
    let value: HCLNode
}
