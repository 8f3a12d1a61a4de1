/// The wildcard rules of an ACL, arranged so that a lookup tries few rules and stops at the first match.
///
/// Rules are sorted by Vault's priority, highest first, so the first rule that matches is the
/// one that decides. A radix tree would find prefix globs in time independent of the rule count,
/// but policies hold tens of rules, not thousands; instead the rules are bucketed by their first
/// path segment when it is literal (`secret/+/x` goes under `secret`), so a lookup scans only the
/// bucket for the request's mount plus the few rules whose first segment is itself a wildcard.
struct GlobRuleIndex: Sendable {
    private let byFirstSegment: [String: [PathRule]]
    private let unanchored: [PathRule]

    /// Buckets and sorts `rules`, which must all contain a wildcard.
    init(rules: [PathRule]) {
        var buckets: [String: [PathRule]] = [:]
        var unanchored: [PathRule] = []
        for rule in rules {
            if let segment = Self.literalFirstSegment(of: rule) {
                buckets[segment, default: []].append(rule)
            } else {
                unanchored.append(rule)
            }
        }
        byFirstSegment = buckets.mapValues { $0.sorted { $0.outranks($1) } }
        self.unanchored = unanchored.sorted { $0.outranks($1) }
    }

    /// The highest-priority rule matching `path`, if any.
    func bestMatch(for path: String) -> PathRule? {
        var segments: [Substring]?
        func matches(_ rule: PathRule) -> Bool {
            guard rule.hasSegmentWildcards else { return rule.matchesWithoutSegments(path) }
            if segments == nil { segments = path.split(separator: "/", omittingEmptySubsequences: false) }
            return rule.matches(segments: segments ?? [])
        }

        var anchored: PathRule?
        if let slash = path.utf8.firstIndex(of: UInt8(ascii: "/")) {
            anchored = byFirstSegment[String(path[..<slash])]?.first(where: matches)
        }
        let floating = unanchored.first(where: matches)
        switch (anchored, floating) {
        case (let anchored?, let floating?): return floating.outranks(anchored) ? floating : anchored
        case (let anchored?, nil): return anchored
        case (nil, let floating): return floating
        }
    }

    /// The first segment when the rule can only match paths whose first segment is exactly that text.
    private static func literalFirstSegment(of rule: PathRule) -> String? {
        // The rule needs a `/` after its first segment, and no wildcard before that `/`.
        guard rule.segments.count > 1, rule.segments[0] != "+" else { return nil }
        return rule.segments[0]
    }
}
