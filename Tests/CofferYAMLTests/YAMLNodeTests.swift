import CofferYAML
import Testing

@Suite struct YAMLNodeTests {
    @Test func accessorsReturnTypedValuesOnlyForMatchingKinds() throws {
        let node = try YAMLParser.parse(
            """
            port: 8200
            quoted: "8200"
            ratio: 0.5
            enabled: true
            name: dc1
            empty:
            """)
        #expect(node["port"]?.int == 8200)
        #expect(node["port"]?.string == "8200")
        #expect(node["quoted"]?.int == nil)
        #expect(node["quoted"]?.string == "8200")
        #expect(node["ratio"]?.double == 0.5)
        #expect(node["ratio"]?.int == nil)
        #expect(node["port"]?.double == 8200)
        #expect(node["enabled"]?.bool == true)
        #expect(node["name"]?.bool == nil)
        #expect(node["empty"]?.isNull == true)
        #expect(node["name"]?.isNull == false)
        #expect(node["missing"] == nil)
    }

    @Test func nestedMappingsAndSequencesKeepDocumentOrder() throws {
        let node = try YAMLParser.parse(
            """
            spec:
              zeta: 1
              alpha:
                - a
                - [b, c]
                - { k: v }
            """)
        let spec = try #require(node["spec"]?.mapping)
        #expect(spec.map(\.key) == ["zeta", "alpha"])
        let items = try #require(spec[1].value.sequence)
        #expect(items.count == 3)
        #expect(items[0].string == "a")
        #expect(items[1].sequence?.compactMap(\.string) == ["b", "c"])
        #expect(items[2]["k"]?.string == "v")
    }

    @Test func mappingAccessorIsNilWhenAKeyIsACollection() throws {
        let node = try YAMLParser.parse("? [a, b]\n: value\n")
        #expect(node.mapping == nil)
        guard case .mapping(let entries) = node.value else {
            Issue.record("expected a mapping")
            return
        }
        #expect(entries.first?.key.sequence?.count == 2)
    }

    @Test func collectionsHaveNoScalarAccessors() throws {
        let node = try YAMLParser.parse("[1, 2]")
        #expect(node.string == nil)
        #expect(node.int == nil)
        #expect(node.isNull == false)
        #expect(node.mapping == nil)
        #expect(node.kindName == "a sequence")
    }

    @Test func kindNamesDescribeResolvedScalars() throws {
        let node = try YAMLParser.parse("{a: 1, b: x, c: true, d: ~, e: 1.5, f: {}}")
        #expect(node["a"]?.kindName == "an integer")
        #expect(node["b"]?.kindName == "a string")
        #expect(node["c"]?.kindName == "a boolean")
        #expect(node["d"]?.kindName == "null")
        #expect(node["e"]?.kindName == "a float")
        #expect(node["f"]?.kindName == "a mapping")
    }
}
