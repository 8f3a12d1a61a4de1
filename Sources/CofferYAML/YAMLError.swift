/// Why a YAML document could not be read or decoded, with the position and field it concerns.
///
/// The description leads with the location so editors can jump to it:
/// `line 3, column 7: duplicate key "name"` for text, or
/// `agent.yaml:12:5: field "spec.clusters[1].agent": expected a string` when the file is known.
/// Reasons name keys and expected kinds, never the values found, which may be secrets.
public struct YAMLError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A stable category of failure.
    public enum Code: String, Sendable, Hashable {
        /// libyaml rejected the text.
        case syntax
        /// A mapping repeats a key.
        case duplicateKey
        /// The document uses an anchor or an alias.
        case alias
        /// The stream holds more than one document.
        case multipleDocuments
        /// Collections nest deeper than the parser allows.
        case nestingTooDeep
        /// The file could not be read.
        case io
        /// A value has the wrong kind or is out of range.
        case invalidValue
        /// A required field is absent.
        case missingField
        /// A mapping has a key the schema does not know.
        case unknownField
    }

    /// The category of failure.
    public let code: Code
    /// Where the problem is, when known.
    public let mark: YAMLMark?
    /// What is wrong, without quoting values from the document.
    public let reason: String
    /// The file the document came from, when it came from one.
    public let file: String?
    /// The dotted path of the field concerned, such as `spec.clusters[1].nodes[0].agent`.
    public let field: String?

    /// Creates an error.
    public init(code: Code, mark: YAMLMark?, reason: String, file: String? = nil, field: String? = nil) {
        self.code = code
        self.mark = mark
        self.reason = reason
        self.file = file
        self.field = field
    }

    /// The same error attributed to `file`.
    public func inFile(_ file: String) -> YAMLError {
        YAMLError(code: code, mark: mark, reason: reason, file: file, field: field)
    }

    /// The location, the field if any, then the reason, separated by `: `.
    public var description: String {
        var parts: [String] = []
        switch (file, mark) {
        case (let file?, let mark?): parts.append("\(file):\(mark.line):\(mark.column)")
        case (let file?, nil): parts.append(file)
        case (nil, let mark?): parts.append(mark.description)
        case (nil, nil): break
        }
        if let field { parts.append("field \"\(field)\"") }
        parts.append(reason)
        return parts.joined(separator: ": ")
    }
}
