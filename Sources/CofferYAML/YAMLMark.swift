/// A position in a YAML document, 1-based, where columns count characters rather than bytes.
public struct YAMLMark: Sendable, Hashable, CustomStringConvertible {
    /// The line, starting at 1.
    public let line: Int
    /// The column, starting at 1.
    public let column: Int

    /// Creates a mark from 1-based coordinates.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// The start of a document.
    public static let start = YAMLMark(line: 1, column: 1)

    /// The mark as `line L, column C`.
    public var description: String { "line \(line), column \(column)" }
}
