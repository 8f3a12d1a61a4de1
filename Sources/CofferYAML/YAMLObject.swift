/// A mapping being decoded: looks up fields by key and reports keys the schema does not allow.
public struct YAMLObject: Sendable {
    /// The mapping's own field.
    public let field: YAMLField
    /// The entries in document order, each value named by its key path.
    public let entries: [(key: String, keyMark: YAMLMark, value: YAMLField)]

    /// Creates a view of a mapping's entries; `YAMLField.object()` is the usual way in.
    init(field: YAMLField, entries: [(key: String, keyMark: YAMLMark, value: YAMLField)]) {
        self.field = field
        self.entries = entries
    }

    /// The keys in document order.
    public var keys: [String] { entries.map(\.key) }

    /// Whether `key` is present, even with a null value.
    public func contains(_ key: String) -> Bool {
        entries.contains { $0.key == key }
    }

    /// The field under `key`, or `nil` when the key is absent or its value is null.
    public func optional(_ key: String) -> YAMLField? {
        guard let value = entries.first(where: { $0.key == key })?.value, !value.isNull else { return nil }
        return value
    }

    /// The field under `key`; an absent or null value is an error at the mapping.
    public func required(_ key: String) throws(YAMLError) -> YAMLField {
        if let value = optional(key) { return value }
        let missing = field.child(key, node: field.node)
        throw YAMLError(
            code: .missingField, mark: field.mark, reason: "required field is missing",
            file: field.file, field: missing.path)
    }

    /// The keys not in `allowed`, with their marks, in document order.
    public func unknownKeys(allowed: Set<String>) -> [(key: String, mark: YAMLMark)] {
        entries.filter { !allowed.contains($0.key) }.map { (key: $0.key, mark: $0.keyMark) }
    }

    /// Throws for the first key not in `allowed`, at that key's position.
    public func rejectUnknownKeys(allowed: Set<String>) throws(YAMLError) {
        guard let entry = entries.first(where: { !allowed.contains($0.key) }) else { return }
        throw YAMLError(
            code: .unknownField, mark: entry.keyMark, reason: "unknown field",
            file: field.file, field: entry.value.path)
    }
}
