import CofferCore
import Testing

@Suite struct PolicyPathRuleTests {
    private func rule(_ pattern: String) -> PathRule {
        PathRule(pattern: pattern, capabilities: .read)
    }

    @Test func patternShapeIsDerivedOnce() {
        let glob = rule("secret/+/data/*")
        #expect(glob.isPrefix)
        #expect(glob.prefix == "secret/+/data/")
        #expect(glob.segments == ["secret", "+", "data", ""])
        #expect(glob.hasSegmentWildcards)
        #expect(!glob.isExact)
        #expect(rule("secret/foo").isExact)
    }

    @Test(arguments: [
        ("secret/foo", "secret/foo", true), ("secret/foo", "secret/foo/", false), ("secret/foo", "secret/fo", false),
        ("secret/*", "secret/", true), ("secret/*", "secret/a/b/c", true), ("secret/*", "secret", false),
        ("secret/fo*", "secret/foo", true), ("secret/fo*", "secret/f", false), ("*", "anything/at/all", true),
        ("secret/+/bar", "secret/foo/bar", true), ("secret/+/bar", "secret/foo/baz/bar", false),
        ("secret/+/bar", "secret/bar", false), ("secret/+/bar", "secret/foo/bar/x", false),
        ("secret/+", "secret/a", true), ("secret/+", "secret/a/b", false),
        ("secret/+/*", "secret/a/b/c", true), ("secret/+/*", "secret/a", false), ("secret/+/*", "secret/a/", true),
        ("secret/+/da*", "secret/x/data/y", true), ("secret/+/da*", "secret/x/meta", false),
        ("+/+", "a/b", true), ("+/+", "a", false), ("a/*/b", "a/*/b", true), ("a/*/b", "a/x/b", false),
        ("a+b/c", "a+b/c", true), ("a+b/c", "ab/c", false),
    ])
    func matching(pattern: String, path: String, expected: Bool) {
        #expect(rule(pattern).matches(path) == expected)
    }

    @Test(arguments: [
        // (1) the later first wildcard wins
        ("secret/foo/*", "secret/*"), ("secret/+/bar", "secret/*"), ("secret/fo*", "secret/*"),
        ("secret/foo/+", "secret/+/bar"),
        // (2) not ending in * beats ending in *
        ("secret/+/bar", "secret/+*"), ("secret/+", "secret/+*"),
        // (3) fewer + segments win
        ("secret/+/bar/baz", "secret/+/+/baz"),
        // (4) the longer pattern wins
        ("secret/+/barbaz", "secret/+/bar"),
        // (5) the lexicographically larger pattern wins
        ("secret/+/bb", "secret/+/ba"),
    ])
    func priorityFollowsVaultOrder(winner: String, loser: String) {
        #expect(rule(winner).outranks(rule(loser)))
        #expect(!rule(loser).outranks(rule(winner)))
    }

    @Test func denyRuleKeepsOnlyDeny() {
        #expect(PathRule(pattern: "a", capabilities: [.read, .deny]).capabilities == .deny)
    }
}
