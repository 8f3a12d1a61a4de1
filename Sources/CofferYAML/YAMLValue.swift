/// The content of a YAML node: a scalar's text, a sequence or a mapping in document order.
///
/// Scalars keep their text and style; `YAMLNode` resolves them to typed values on demand, so no
/// information from the document is lost before a caller decides what it expects.
public indirect enum YAMLValue: Sendable {
    /// A scalar's text as written (after unquoting and folding) and its style.
    case scalar(String, YAMLScalarStyle)
    /// The items of a sequence.
    case sequence([YAMLNode])
    /// The entries of a mapping in document order; keys may be any node.
    case mapping([(key: YAMLNode, value: YAMLNode)])
}
