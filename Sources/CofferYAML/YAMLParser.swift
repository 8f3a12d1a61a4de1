/// Parses a single YAML document into a `YAMLNode` tree with positions, using libyaml.
///
/// Anchors, aliases and multi-document streams are refused: configuration files do not need
/// them, and refusing them keeps every node's mark pointing at text the user actually wrote.
public enum YAMLParser {
    /// Parses `text`, which must hold at most one document; an empty document is a null node.
    public static func parse(_ text: String) throws(YAMLError) -> YAMLNode {
        try parse(bytes: Array(text.utf8))
    }

    /// Reads and parses the file at `path`; errors name the file.
    public static func parse(contentsOfFile path: String) throws(YAMLError) -> YAMLNode {
        let bytes = try YAMLSourceFile(path: path).readAll()
        do {
            return try parse(bytes: bytes)
        } catch {
            throw error.inFile(path)
        }
    }

    /// Parses UTF-8 (or UTF-16 with a byte-order mark) bytes.
    public static func parse(bytes: some Collection<UInt8>) throws(YAMLError) -> YAMLNode {
        let reader = try LibYAMLEventReader(bytes: bytes)
        var builder = YAMLTreeBuilder()
        while try !builder.consume(reader.next()) {}
        return builder.result
    }
}
