import CofferYAML
import Testing

@Suite struct YAMLErrorTests {
    @Test func descriptionLeadsWithLineAndColumn() {
        let error = YAMLError(code: .syntax, mark: YAMLMark(line: 3, column: 7), reason: "bad")
        #expect(error.description == "line 3, column 7: bad")
    }

    @Test func descriptionWithFileAndFieldUsesCompilerStyle() {
        let error = YAMLError(
            code: .invalidValue, mark: YAMLMark(line: 12, column: 5), reason: "expected a string",
            file: "prod.yaml", field: "spec.clusters[1].nodes[0].agent")
        #expect(error.description == "prod.yaml:12:5: field \"spec.clusters[1].nodes[0].agent\": expected a string")
    }

    @Test func descriptionWithoutMarkNamesFileOnly() {
        let error = YAMLError(code: .io, mark: nil, reason: "cannot open file", file: "a.yaml")
        #expect(error.description == "a.yaml: cannot open file")
    }

    @Test func inFileKeepsEverythingElse() {
        let error = YAMLError(code: .duplicateKey, mark: YAMLMark(line: 1, column: 2), reason: "dup").inFile("x.yaml")
        #expect(error.code == .duplicateKey)
        #expect(error.file == "x.yaml")
        #expect(error.description == "x.yaml:1:2: dup")
    }
}
