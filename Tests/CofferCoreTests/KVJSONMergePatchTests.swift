import CofferBase
import Testing

@testable import CofferCore

@Suite struct KVJSONMergePatchTests {
    // Cases from RFC 7396 appendix A.
    @Test(
        arguments: [
            (["a": "b"], ["a": "c"], ["a": "c"]),
            (["a": "b"], ["b": "c"], ["a": "b", "b": "c"]),
            (["a": "b"], ["a": nil], [:]),
            (["a": "b", "b": "c"], ["a": nil], ["b": "c"]),
            (["a": ["b"]], ["a": "c"], ["a": "c"]),
            (["a": ["b": "c"]], ["a": ["b": "d", "c": nil]], ["a": ["b": "d"]]),
            (["a": [["b": "c"]]], ["a": [1]], ["a": [1]]),
            (["e": nil], ["a": 1], ["e": nil, "a": 1]),
            ([:], ["a": ["bb": ["ccc": nil]]], ["a": ["bb": [:]]]),
            (["a": "foo"], "bar", "bar"),
            ("text", ["a": "b"], ["a": "b"]),
        ] as [(JSON, JSON, JSON)])
    func patchFollowsRFC7396(target: JSON, patch: JSON, expected: JSON) {
        #expect(JSONMergePatch.apply(patch, to: target) == expected)
    }
}
