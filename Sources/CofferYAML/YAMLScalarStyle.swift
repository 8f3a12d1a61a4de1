/// How a scalar was written; only plain scalars are resolved to nulls, booleans and numbers.
public enum YAMLScalarStyle: Sendable, Hashable {
    /// Unquoted text.
    case plain
    /// Text in `'single quotes'`.
    case singleQuoted
    /// Text in `"double quotes"`.
    case doubleQuoted
    /// A `|` block scalar that keeps line breaks.
    case literal
    /// A `>` block scalar that folds line breaks.
    case folded
}
