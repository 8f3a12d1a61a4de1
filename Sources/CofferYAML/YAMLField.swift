/// A node reached from a document's root, carrying the field path and file that name it in errors.
///
/// Config types decode themselves by walking fields, and every failure reads like
/// `agent.yaml:12:5: field "spec.clusters[1].nodes[0].agent": expected a string`:
///
/// ```swift
/// let spec = try YAMLField.load(contentsOfFile: path).object().required("spec").object()
/// try spec.rejectUnknownKeys(allowed: ["clusters", "unseal"])
/// for cluster in try spec.required("clusters").elements() { ... }
/// ```
public struct YAMLField: Sendable {
    /// The node at this field.
    public let node: YAMLNode
    /// The field's path from the root, such as `spec.clusters[1].name`; empty for the root.
    public let path: String
    /// The file the document came from, if any.
    public let file: String?

    /// Creates a field for `node` at `path`.
    public init(node: YAMLNode, path: String = "", file: String? = nil) {
        self.node = node
        self.path = path
        self.file = file
    }

    /// Parses the file at `path` and returns its root field.
    public static func load(contentsOfFile path: String) throws(YAMLError) -> YAMLField {
        YAMLField(node: try YAMLParser.parse(contentsOfFile: path), file: path)
    }

    /// Where the field's value starts.
    public var mark: YAMLMark { node.mark }

    /// Whether the value is null or empty.
    public var isNull: Bool { node.isNull }

    /// An error about this field, for checks the helpers below do not cover.
    public func error(_ reason: String, code: YAMLError.Code = .invalidValue) -> YAMLError {
        YAMLError(code: code, mark: node.mark, reason: reason, file: file, field: path.isEmpty ? nil : path)
    }

    /// The scalar's text; any non-null scalar qualifies, so `version: 1.10` reads as `"1.10"`.
    public func string() throws(YAMLError) -> String {
        guard let text = node.string, !node.isNull else { throw expected("a string") }
        return text
    }

    /// A non-empty string.
    public func nonEmptyString() throws(YAMLError) -> String {
        let text = try string()
        guard !text.isEmpty else { throw error("must not be empty") }
        return text
    }

    /// An integer written as a plain scalar.
    public func int() throws(YAMLError) -> Int {
        guard let number = node.int else { throw expected("an integer") }
        return number
    }

    /// An integer within `range`.
    public func int(in range: ClosedRange<Int>) throws(YAMLError) -> Int {
        let number = try int()
        guard range.contains(number) else {
            throw error("expected an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// A number written as a plain integer or float.
    public func double() throws(YAMLError) -> Double {
        guard let number = node.double else { throw expected("a number") }
        return number
    }

    /// `true` or `false` written as a plain scalar.
    public func bool() throws(YAMLError) -> Bool {
        guard let flag = node.bool else { throw expected("true or false") }
        return flag
    }

    /// One of the raw values of `type`, such as a `role` that must be `primary` or `secondary`.
    public func oneOf<Choice: RawRepresentable & CaseIterable>(_ type: Choice.Type) throws(YAMLError) -> Choice
    where Choice.RawValue == String {
        if let text = node.string, !node.isNull, let choice = Choice(rawValue: text) { return choice }
        let names = Choice.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        throw error("expected one of \(names)")
    }

    /// The items of a sequence, each named `path[index]`.
    public func elements() throws(YAMLError) -> [YAMLField] {
        guard let items = node.sequence else { throw expected("a sequence") }
        return items.enumerated().map { index, item in
            YAMLField(node: item, path: "\(path)[\(index)]", file: file)
        }
    }

    /// A sequence of strings.
    public func strings() throws(YAMLError) -> [String] {
        var result: [String] = []
        for element in try elements() { result.append(try element.string()) }
        return result
    }

    /// The mapping at this field, for reading its keys.
    public func object() throws(YAMLError) -> YAMLObject {
        guard case .mapping(let entries) = node.value else { throw expected("a mapping") }
        var fields: [(key: String, keyMark: YAMLMark, value: YAMLField)] = []
        fields.reserveCapacity(entries.count)
        for entry in entries {
            guard let key = entry.key.string else {
                throw YAMLError(
                    code: .invalidValue, mark: entry.key.mark, reason: "mapping keys must be scalars",
                    file: file, field: path.isEmpty ? nil : path)
            }
            fields.append((key: key, keyMark: entry.key.mark, value: child(key, node: entry.value)))
        }
        return YAMLObject(field: self, entries: fields)
    }

    /// The field for `key` under this one, naming keys that are not identifiers in brackets.
    func child(_ key: String, node: YAMLNode) -> YAMLField {
        let isIdentifier =
            !key.isEmpty
            && key.utf8.allSatisfy { byte in
                byte != UInt8(ascii: ".") && byte != UInt8(ascii: "[") && byte != UInt8(ascii: "\"")
                    && byte != UInt8(ascii: " ")
            }
        let name: String
        if isIdentifier {
            name = path.isEmpty ? key : "\(path).\(key)"
        } else {
            name = "\(path)[\"\(key)\"]"
        }
        return YAMLField(node: node, path: name, file: file)
    }

    private func expected(_ kind: String) -> YAMLError {
        error("expected \(kind), found \(node.kindName)")
    }
}
