/// One `path "pattern" { capabilities = [...] }` block: a path pattern and what it grants.
///
/// A `*` as the last character makes the pattern a prefix glob; anywhere else it is literal, as in
/// Vault. A segment that is exactly `+` matches any single path segment and never crosses a `/`.
public struct PathRule: Sendable, Hashable {
    /// The pattern as written, without a leading `/`.
    public let pattern: String
    /// What the rule grants; a rule with `deny` holds nothing else.
    public let capabilities: Capabilities
    /// Whether the pattern ends in `*` and so matches every path that starts with `prefix`.
    public let isPrefix: Bool
    /// The pattern without its trailing `*`.
    public let prefix: String
    /// The prefix split on `/`; segments equal to `+` are wildcards.
    public let segments: [String]
    /// Whether any segment is a `+` wildcard.
    public let hasSegmentWildcards: Bool

    // Priority inputs, computed once so that sorting and matching never rescan the pattern.
    /// The byte offset of the first `+` segment or of the final `*`; `Int.max` for an exact pattern.
    let firstWildcardOffset: Int
    /// How many segments are `+`.
    let wildcardCount: Int
    private let wildcardMask: [Bool]

    /// Creates a rule; a leading `/` on the pattern is dropped, since request paths have none.
    public init(pattern: String, capabilities: Capabilities) {
        let pattern = pattern.hasPrefix("/") ? String(pattern.dropFirst()) : pattern
        self.pattern = pattern
        self.capabilities = capabilities.contains(.deny) ? .deny : capabilities
        isPrefix = pattern.hasSuffix("*")
        prefix = isPrefix ? String(pattern.dropLast()) : pattern
        segments = prefix.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        wildcardMask = segments.map { $0 == "+" }
        wildcardCount = wildcardMask.count(where: { $0 })
        hasSegmentWildcards = wildcardCount > 0

        var offset = 0
        var firstPlus: Int?
        for (index, segment) in segments.enumerated() {
            if wildcardMask[index] {
                firstPlus = offset
                break
            }
            offset += segment.utf8.count + 1
        }
        let globOffset = isPrefix ? prefix.utf8.count : Int.max
        firstWildcardOffset = Swift.min(firstPlus ?? Int.max, globOffset)
    }

    /// Whether the pattern has no wildcard at all and so matches only the identical path.
    public var isExact: Bool { !isPrefix && !hasSegmentWildcards }

    /// The same pattern with other capabilities.
    func with(capabilities: Capabilities) -> PathRule {
        PathRule(pattern: pattern, capabilities: capabilities)
    }

    /// Whether the rule applies to `path` (a request path without a leading `/`).
    public func matches(_ path: String) -> Bool {
        guard hasSegmentWildcards else { return matchesWithoutSegments(path) }
        return matches(segments: path.split(separator: "/", omittingEmptySubsequences: false))
    }

    /// Matching for rules without `+`, which never needs the path split.
    func matchesWithoutSegments(_ path: String) -> Bool {
        isPrefix ? path.utf8.starts(with: prefix.utf8) : path.utf8.elementsEqual(pattern.utf8)
    }

    /// Matching for rules with `+`, against a path already split on `/`.
    func matches(segments pathSegments: [Substring]) -> Bool {
        let count = segments.count
        guard isPrefix ? pathSegments.count >= count : pathSegments.count == count else { return false }
        for index in 0..<count where !wildcardMask[index] {
            let expected = segments[index].utf8
            let actual = pathSegments[index].utf8
            // Only the last segment of a glob may be partial: `secret/+/da*` matches `secret/x/data/y`.
            let isPartial = isPrefix && index == count - 1
            guard isPartial ? actual.starts(with: expected) : actual.elementsEqual(expected) else { return false }
        }
        return true
    }

    /// Whether this rule takes precedence over `other` when both match a path, following Vault's order.
    ///
    /// In turn: the later first wildcard (`+` or the final `*`) wins; a pattern not ending in `*`
    /// wins; fewer `+` segments win; the longer pattern wins; the lexicographically larger wins.
    public func outranks(_ other: PathRule) -> Bool {
        if firstWildcardOffset != other.firstWildcardOffset { return firstWildcardOffset > other.firstWildcardOffset }
        if isPrefix != other.isPrefix { return !isPrefix }
        if wildcardCount != other.wildcardCount { return wildcardCount < other.wildcardCount }
        if pattern.utf8.count != other.pattern.utf8.count { return pattern.utf8.count > other.pattern.utf8.count }
        return other.pattern.utf8.lexicographicallyPrecedes(pattern.utf8)
    }
}
