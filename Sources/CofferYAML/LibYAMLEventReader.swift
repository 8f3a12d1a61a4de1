import CYAML

/// Owns a libyaml `yaml_parser_t` over a private copy of the input and yields its events.
///
/// This is the only file that touches libyaml. Anchors and aliases are refused here, where the
/// event still carries them, so the rest of the module never sees a graph that is not a tree.
final class LibYAMLEventReader {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    // libyaml reads the input in place while parsing, so the bytes must live as long as the parser.
    private let input: UnsafeMutableBufferPointer<UInt8>

    /// Prepares a parser over `bytes` (`yaml_parser_initialize`, `yaml_parser_set_input_string`).
    init(bytes: some Collection<UInt8>) throws(YAMLError) {
        parser = .allocate(capacity: 1)
        parser.initialize(to: yaml_parser_t())
        input = .allocate(capacity: Swift.max(bytes.count, 1))
        _ = input.initialize(from: bytes)
        guard yaml_parser_initialize(parser) == 1 else {
            throw YAMLError(code: .syntax, mark: nil, reason: "cannot initialise the YAML parser")
        }
        yaml_parser_set_input_string(parser, input.baseAddress, bytes.count)
    }

    deinit {
        // Safe after a failed `yaml_parser_initialize` too: it leaves every buffer null.
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    /// Parses and returns the next event (`yaml_parser_parse`).
    func next() throws(YAMLError) -> YAMLEvent {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else {
            throw Self.error(from: parser.pointee)
        }
        defer { yaml_event_delete(&event) }

        let mark = Self.mark(event.start_mark)
        switch event.type {
        case YAML_STREAM_START_EVENT:
            return .streamStart
        case YAML_STREAM_END_EVENT:
            return .streamEnd
        case YAML_DOCUMENT_START_EVENT:
            return .documentStart(mark)
        case YAML_DOCUMENT_END_EVENT:
            return .documentEnd
        case YAML_ALIAS_EVENT:
            throw Self.aliasError(at: mark)
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            if scalar.anchor != nil { throw Self.aliasError(at: mark) }
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            return .scalar(text, Self.style(scalar.style), tag: Self.string(scalar.tag), mark: mark)
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            if start.anchor != nil { throw Self.aliasError(at: mark) }
            return .sequenceStart(tag: Self.string(start.tag), mark: mark)
        case YAML_SEQUENCE_END_EVENT:
            return .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            if start.anchor != nil { throw Self.aliasError(at: mark) }
            return .mappingStart(tag: Self.string(start.tag), mark: mark)
        case YAML_MAPPING_END_EVENT:
            return .mappingEnd
        default:
            throw YAMLError(code: .syntax, mark: mark, reason: "unexpected parser event")
        }
    }

    /// The error funnel: turns the parser's problem and context into a `YAMLError`.
    private static func error(from parser: yaml_parser_t) -> YAMLError {
        let problem = string(parser.problem) ?? "invalid YAML"
        var reason = problem
        if let context = string(parser.context) {
            // The context names the enclosing construct, e.g. "while parsing a flow sequence", and where it began.
            reason += " \(context) started at \(self.mark(parser.context_mark))"
        }
        // Reader errors (bad encoding) carry a byte offset, not a mark.
        let mark = parser.error == YAML_READER_ERROR ? nil : self.mark(parser.problem_mark)
        return YAMLError(code: .syntax, mark: mark, reason: reason)
    }

    private static func aliasError(at mark: YAMLMark) -> YAMLError {
        YAMLError(code: .alias, mark: mark, reason: "anchors and aliases are not supported")
    }

    private static func mark(_ mark: yaml_mark_t) -> YAMLMark {
        YAMLMark(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    private static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private static func style(_ style: yaml_scalar_style_t) -> YAMLScalarStyle {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: return .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: return .literal
        case YAML_FOLDED_SCALAR_STYLE: return .folded
        default: return .plain
        }
    }
}
