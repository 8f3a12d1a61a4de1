import CofferYAML
import Foundation
import Testing

@Suite struct YAMLParserTests {
    private func parseError(_ text: String) -> YAMLError? {
        do {
            _ = try YAMLParser.parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func marksPointAtKeysAndValues() throws {
        let node = try YAMLParser.parse(
            """
            # comment
            spec:
              name:   dc1
              nodes:
                - agent: "https://a"
            """)
        #expect(node.mark == YAMLMark(line: 2, column: 1))
        let spec = try #require(node.mapping?.first)
        #expect(spec.keyMark == YAMLMark(line: 2, column: 1))
        let fields = try #require(spec.value.mapping)
        #expect(fields[0].keyMark == YAMLMark(line: 3, column: 3))
        #expect(fields[0].value.mark == YAMLMark(line: 3, column: 11))
        let item = try #require(fields[1].value.sequence?.first)
        #expect(item.mark == YAMLMark(line: 5, column: 7))
        #expect(item["agent"]?.mark == YAMLMark(line: 5, column: 14))
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let node = try YAMLParser.parse("{ünï: 1, b: 2}")
        let entries = try #require(node.mapping)
        #expect(entries[1].keyMark == YAMLMark(line: 1, column: 10))
    }

    @Test func emptyDocumentIsNull() throws {
        #expect(try YAMLParser.parse("").isNull)
        #expect(try YAMLParser.parse("# only a comment\n").isNull)
        #expect(try YAMLParser.parse("---\n").isNull)
    }

    @Test func explicitDocumentMarkersAreAccepted() throws {
        let node = try YAMLParser.parse("---\na: 1\n...\n")
        #expect(node["a"]?.int == 1)
    }

    @Test func duplicateKeyIsRejectedAtTheSecondOccurrence() throws {
        let error = try #require(parseError("a: 1\nb: 2\na: 3\n"))
        #expect(error.code == .duplicateKey)
        #expect(error.mark == YAMLMark(line: 3, column: 1))
        #expect(error.reason.contains("\"a\""))
        #expect(error.reason.contains("line 1, column 1"))
    }

    @Test func duplicateKeysCompareQuotedAndPlainAlike() throws {
        let error = try #require(parseError("{a: 1, \"a\": 2}"))
        #expect(error.code == .duplicateKey)
        #expect(error.mark == YAMLMark(line: 1, column: 8))
    }

    @Test func sameKeyInDifferentMappingsIsAllowed() throws {
        let node = try YAMLParser.parse("- name: a\n- name: b\n")
        #expect(node.sequence?.count == 2)
    }

    @Test func aliasesAreRejectedWithTheirMark() throws {
        let error = try #require(parseError("base: &b 1\ncopy: *b\n"))
        #expect(error.code == .alias)
        #expect(error.mark == YAMLMark(line: 1, column: 7))
        #expect(error.reason.contains("aliases are not supported"))
    }

    @Test func anchorOnACollectionIsRejected() throws {
        let error = try #require(parseError("a: 1\nb: &anchor\n  c: 2\n"))
        #expect(error.code == .alias)
        #expect(error.mark?.line == 2)
    }

    @Test func syntaxErrorCarriesLibyamlProblemAndMark() throws {
        let error = try #require(parseError("a: 1\nb: [1, 2\nc: 3\n"))
        #expect(error.code == .syntax)
        #expect(error.reason.contains("did not find expected"))
        #expect(error.reason.hasSuffix("while parsing a flow sequence started at line 2, column 4"))
        #expect(error.mark?.line == 3)
        #expect(error.description.hasPrefix("line 3, column"))
    }

    @Test func badIndentationIsASyntaxError() throws {
        let error = try #require(parseError("a:\n  b: 1\n c: 2\n"))
        #expect(error.code == .syntax)
        #expect(error.mark?.line == 3)
    }

    @Test func tabIndentationIsASyntaxError() throws {
        let error = try #require(parseError("a:\n\tb: 1\n"))
        #expect(error.code == .syntax)
        #expect(error.mark?.line == 2)
    }

    @Test func multipleDocumentsAreRejectedAtTheSecond() throws {
        let error = try #require(parseError("a: 1\n---\nb: 2\n"))
        #expect(error.code == .multipleDocuments)
        #expect(error.mark == YAMLMark(line: 2, column: 1))
    }

    @Test func excessiveNestingIsRejected() throws {
        let text = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        let error = try #require(parseError(text))
        #expect(error.code == .nestingTooDeep)
    }

    @Test func fileContentsParseAndErrorsNameTheFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("yaml-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("good.yaml")
        try Data("name: dc1\n".utf8).write(to: good)
        let bad = directory.appendingPathComponent("bad.yaml")
        try Data("a: 1\na: 2\n".utf8).write(to: bad)

        #expect(try YAMLParser.parse(contentsOfFile: good.path)["name"]?.string == "dc1")
        #expect(throws: YAMLError.self) { try YAMLParser.parse(contentsOfFile: bad.path) }
        do {
            _ = try YAMLParser.parse(contentsOfFile: bad.path)
        } catch {
            #expect(error.description == "\(bad.path):2:1: duplicate key \"a\" (first defined at line 1, column 1)")
        }
    }

    @Test func missingFileIsAnIOError() throws {
        do {
            _ = try YAMLParser.parse(contentsOfFile: "/nonexistent/coffer.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .io)
            #expect(error.file == "/nonexistent/coffer.yaml")
            #expect(error.reason.contains("No such file"))
        }
    }

    @Test func invalidUTF8IsRejected() throws {
        do {
            _ = try YAMLParser.parse(bytes: [0x61, 0x3A, 0x20, 0xFF, 0xFE, 0x0A])
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .syntax)
            #expect(error.mark == nil)
        }
    }
}
