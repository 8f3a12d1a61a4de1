/// One parsing event from libyaml, translated to Swift values.
enum YAMLEvent {
    /// The input begins.
    case streamStart
    /// The input is exhausted.
    case streamEnd
    /// A document begins, explicitly with `---` or implicitly, at the mark.
    case documentStart(YAMLMark)
    /// The current document ends.
    case documentEnd
    /// A scalar's text, style and expanded tag.
    case scalar(String, YAMLScalarStyle, tag: String?, mark: YAMLMark)
    /// A sequence begins; its items follow until `sequenceEnd`.
    case sequenceStart(tag: String?, mark: YAMLMark)
    /// The innermost open sequence ends.
    case sequenceEnd
    /// A mapping begins; keys and values alternate until `mappingEnd`.
    case mappingStart(tag: String?, mark: YAMLMark)
    /// The innermost open mapping ends.
    case mappingEnd
}
