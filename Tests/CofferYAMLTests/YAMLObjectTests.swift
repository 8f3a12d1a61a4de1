import CofferYAML
import Testing

@Suite struct YAMLObjectTests {
    private func object(_ text: String) throws -> YAMLObject {
        try YAMLField(node: YAMLParser.parse(text), file: "agent.yaml").object()
    }

    @Test func unknownKeysAreListedWithMarksInDocumentOrder() throws {
        let object = try object("name: a\nzone: b\nlisten: c\ncolor: d\n")
        let unknown = object.unknownKeys(allowed: ["name", "listen"])
        #expect(unknown.map(\.key) == ["zone", "color"])
        #expect(unknown.map(\.mark) == [YAMLMark(line: 2, column: 1), YAMLMark(line: 4, column: 1)])
    }

    @Test func rejectUnknownKeysPointsAtTheKey() throws {
        let object = try object("spec:\n  name: a\n  colour: red\n").required("spec").object()
        let error = #expect(throws: YAMLError.self) { try object.rejectUnknownKeys(allowed: ["name"]) }
        #expect(error?.code == .unknownField)
        #expect(error?.description == "agent.yaml:3:3: field \"spec.colour\": unknown field")
    }

    @Test func rejectUnknownKeysAcceptsAllowedKeys() throws {
        let object = try object("name: a\n")
        try object.rejectUnknownKeys(allowed: ["name", "other"])
        #expect(object.keys == ["name"])
    }

    @Test func missingRequiredFieldPointsAtTheMapping() throws {
        let object = try object("spec:\n  name: a\n").required("spec").object()
        let error = #expect(throws: YAMLError.self) { try object.required("unseal") }
        #expect(error?.description == "agent.yaml:2:3: field \"spec.unseal\": required field is missing")
    }

    @Test func optionalTreatsNullAsAbsent() throws {
        let object = try object("a:\nb: ~\nc: 1\n")
        #expect(object.optional("a") == nil)
        #expect(object.optional("b") == nil)
        #expect(object.optional("missing") == nil)
        #expect(object.optional("c")?.node.int == 1)
        #expect(object.contains("a"))
        #expect(!object.contains("missing"))
    }

    @Test func nonMappingIsRejected() throws {
        let error = #expect(throws: YAMLError.self) { try object("- a\n") }
        #expect(error?.reason == "expected a mapping, found a sequence")
    }

    @Test func collectionKeyIsRejected() throws {
        let error = #expect(throws: YAMLError.self) { try object("? [a]\n: b\n") }
        #expect(error?.reason == "mapping keys must be scalars")
        #expect(error?.mark == YAMLMark(line: 1, column: 3))
    }
}
