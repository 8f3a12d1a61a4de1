/// One node of a parsed YAML document with the position it starts at.
///
/// The typed accessors return `nil` rather than converting: `int` is non-nil only for a plain
/// scalar that the core schema reads as an integer, so `"8080"` in quotes is a string.
public struct YAMLNode: Sendable {
    /// The node's content.
    public let value: YAMLValue
    /// Where the node starts; for a quoted scalar, at its opening quote.
    public let mark: YAMLMark
    /// The explicit tag, expanded (`!!str` becomes `tag:yaml.org,2002:str`), or `nil` when untagged.
    public let tag: String?

    /// Creates a node.
    public init(value: YAMLValue, mark: YAMLMark, tag: String? = nil) {
        self.value = value
        self.mark = mark
        self.tag = tag
    }

    /// The scalar's text in any style, or `nil` for a sequence or mapping.
    public var string: String? {
        if case .scalar(let text, _) = value { return text }
        return nil
    }

    /// The scalar resolved by the YAML 1.2 core schema, or `nil` for a sequence or mapping.
    public var scalar: YAMLScalar? {
        guard case .scalar(let text, let style) = value else { return nil }
        return YAMLScalar.resolve(text, style: style, tag: tag)
    }

    /// The integer when the scalar resolves to one.
    public var int: Int? {
        if case .int(let number) = scalar { return number }
        return nil
    }

    /// The number when the scalar resolves to a float or an integer.
    public var double: Double? {
        switch scalar {
        case .int(let number): return Double(number)
        case .float(let number): return number
        default: return nil
        }
    }

    /// The boolean when the scalar resolves to one; `yes`, `no`, `on` and `off` are strings in YAML 1.2.
    public var bool: Bool? {
        if case .bool(let flag) = scalar { return flag }
        return nil
    }

    /// Whether the node is a null scalar, including an empty value such as `key:`.
    public var isNull: Bool {
        scalar == .null
    }

    /// The items when the node is a sequence.
    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = value { return items }
        return nil
    }

    /// The entries when the node is a mapping whose keys are all scalars.
    public var mapping: [(key: String, keyMark: YAMLMark, value: YAMLNode)]? {
        guard case .mapping(let entries) = value else { return nil }
        var result: [(key: String, keyMark: YAMLMark, value: YAMLNode)] = []
        result.reserveCapacity(entries.count)
        for entry in entries {
            guard let key = entry.key.string else { return nil }
            result.append((key: key, keyMark: entry.key.mark, value: entry.value))
        }
        return result
    }

    /// The value under a scalar key when the node is a mapping.
    public subscript(key: String) -> YAMLNode? {
        guard case .mapping(let entries) = value else { return nil }
        return entries.first { $0.key.string == key }?.value
    }

    /// A short name of the node's kind for error messages, which must not echo the value.
    public var kindName: String {
        switch value {
        case .sequence: return "a sequence"
        case .mapping: return "a mapping"
        case .scalar:
            switch scalar {
            case .null: return "null"
            case .bool: return "a boolean"
            case .int: return "an integer"
            case .float: return "a float"
            case .string, nil: return "a string"
            }
        }
    }
}
