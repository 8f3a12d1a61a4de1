/// Assembles parser events into one `YAMLNode` tree, enforcing the single-document and unique-key rules.
struct YAMLTreeBuilder {
    /// A collection whose end event has not arrived yet.
    private enum Frame {
        case sequence(mark: YAMLMark, tag: String?, items: [YAMLNode])
        case mapping(
            mark: YAMLMark, tag: String?, entries: [(key: YAMLNode, value: YAMLNode)],
            pendingKey: YAMLNode?, keyMarks: [String: YAMLMark])
    }

    /// The deepest nesting accepted.
    ///
    /// Deeper documents are refused so that neither building nor releasing the tree can exhaust the stack.
    static let maximumDepth = 256

    private var stack: [Frame] = []
    private var root: YAMLNode?
    private var documentCount = 0

    /// The finished tree; an empty stream is a null scalar at the start.
    var result: YAMLNode {
        root ?? YAMLNode(value: .scalar("", .plain), mark: .start)
    }

    /// Feeds one event; returns `true` once the stream has ended.
    mutating func consume(_ event: YAMLEvent) throws(YAMLError) -> Bool {
        switch event {
        case .streamStart, .documentEnd:
            break
        case .streamEnd:
            return true
        case .documentStart(let mark):
            documentCount += 1
            guard documentCount == 1 else {
                throw YAMLError(code: .multipleDocuments, mark: mark, reason: "only one YAML document is allowed")
            }
        case .scalar(let text, let style, let tag, let mark):
            try add(YAMLNode(value: .scalar(text, style), mark: mark, tag: tag))
        case .sequenceStart(let tag, let mark):
            try push(.sequence(mark: mark, tag: tag, items: []), at: mark)
        case .mappingStart(let tag, let mark):
            try push(.mapping(mark: mark, tag: tag, entries: [], pendingKey: nil, keyMarks: [:]), at: mark)
        case .sequenceEnd, .mappingEnd:
            try add(pop())
        }
        return false
    }

    private mutating func push(_ frame: Frame, at mark: YAMLMark) throws(YAMLError) {
        guard stack.count < Self.maximumDepth else {
            let reason = "collections nest deeper than \(Self.maximumDepth) levels"
            throw YAMLError(code: .nestingTooDeep, mark: mark, reason: reason)
        }
        stack.append(frame)
    }

    private mutating func pop() -> YAMLNode {
        // libyaml pairs every end event with a start event, so the stack cannot be empty here.
        switch stack.removeLast() {
        case .sequence(let mark, let tag, let items):
            return YAMLNode(value: .sequence(items), mark: mark, tag: tag)
        case .mapping(let mark, let tag, let entries, _, _):
            return YAMLNode(value: .mapping(entries), mark: mark, tag: tag)
        }
    }

    private mutating func add(_ node: YAMLNode) throws(YAMLError) {
        guard let top = stack.popLast() else {
            root = node
            return
        }
        switch top {
        case .sequence(let mark, let tag, var items):
            items.append(node)
            stack.append(.sequence(mark: mark, tag: tag, items: items))
        case .mapping(let mark, let tag, var entries, let pendingKey?, let keyMarks):
            entries.append((key: pendingKey, value: node))
            stack.append(.mapping(mark: mark, tag: tag, entries: entries, pendingKey: nil, keyMarks: keyMarks))
        case .mapping(let mark, let tag, let entries, nil, var keyMarks):
            // Scalar keys compare by text, so `a` and `"a"` collide; collection keys are not compared.
            if let key = node.string {
                if let first = keyMarks[key] {
                    let reason = "duplicate key \"\(key)\" (first defined at \(first))"
                    throw YAMLError(code: .duplicateKey, mark: node.mark, reason: reason)
                }
                keyMarks[key] = node.mark
            }
            stack.append(.mapping(mark: mark, tag: tag, entries: entries, pendingKey: node, keyMarks: keyMarks))
        }
    }
}
