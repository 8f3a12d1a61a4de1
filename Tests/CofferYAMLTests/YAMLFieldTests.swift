import CofferYAML
import Testing

@Suite struct YAMLFieldTests {
    private enum Role: String, CaseIterable {
        case primary
        case secondary
    }

    private static let manifest = """
        spec:
          shares: 5
          enabled: true
          ratio: 0.75
          clusters:
            - name: dc1
              role: primary
              nodes:
                - { name: dc1-a, agent: https://10.0.1.10:9443 }
            - name: dc2
              role: tertiary
              nodes:
                - { name: dc2-a, agent: [1] }
          tags: [a, b]
        """

    private func root() throws -> YAMLField {
        YAMLField(node: try YAMLParser.parse(Self.manifest), file: "prod.yaml")
    }

    private func spec() throws -> YAMLObject {
        try root().object().required("spec").object()
    }

    @Test func typedReadersReturnValues() throws {
        let spec = try spec()
        #expect(try spec.required("shares").int() == 5)
        #expect(try spec.required("shares").int(in: 1...10) == 5)
        #expect(try spec.required("enabled").bool())
        #expect(try spec.required("ratio").double() == 0.75)
        #expect(try spec.required("tags").strings() == ["a", "b"])
        let cluster = try spec.required("clusters").elements()[0].object()
        #expect(try cluster.required("role").oneOf(Role.self) == .primary)
        #expect(try cluster.required("name").nonEmptyString() == "dc1")
    }

    @Test func wrongKindNamesFileLineColumnAndFieldPath() throws {
        let clusters = try spec().required("clusters").elements()
        let node = try clusters[1].object().required("nodes").elements()[0].object()
        let error = #expect(throws: YAMLError.self) { try node.required("agent").string() }
        #expect(error?.code == .invalidValue)
        #expect(
            error?.description
                == "prod.yaml:13:33: field \"spec.clusters[1].nodes[0].agent\": expected a string, found a sequence")
    }

    @Test func enumMismatchListsTheChoices() throws {
        let cluster = try spec().required("clusters").elements()[1].object()
        let error = #expect(throws: YAMLError.self) { try cluster.required("role").oneOf(Role.self) }
        #expect(error?.field == "spec.clusters[1].role")
        #expect(error?.mark == YAMLMark(line: 11, column: 13))
        #expect(error?.reason == "expected one of \"primary\", \"secondary\"")
    }

    @Test func integerOutOfRangeIsRejected() throws {
        let error = #expect(throws: YAMLError.self) { try spec().required("shares").int(in: 1...3) }
        #expect(error?.reason == "expected an integer from 1 to 3")
    }

    @Test func nullIsNotAString() throws {
        let field = YAMLField(node: try YAMLParser.parse("name:"))
        let error = #expect(throws: YAMLError.self) { try field.object().required("name").string() }
        #expect(error?.code == .missingField)
        #expect(throws: YAMLError.self) { try field.object().entries[0].value.string() }
    }

    @Test func plainNumbersReadAsStrings() throws {
        let field = YAMLField(node: try YAMLParser.parse("version: 1.10"))
        #expect(try field.object().required("version").string() == "1.10")
    }

    @Test func quotedNumberIsNotAnInteger() throws {
        let field = YAMLField(node: try YAMLParser.parse("port: \"8200\""))
        let error = #expect(throws: YAMLError.self) { try field.object().required("port").int() }
        #expect(error?.reason == "expected an integer, found a string")
    }

    @Test func keysThatAreNotIdentifiersAreBracketed() throws {
        let field = YAMLField(node: try YAMLParser.parse("labels:\n  app.kubernetes.io/name: 1\n"))
        let labels = try field.object().required("labels").object()
        #expect(labels.entries[0].value.path == "labels[\"app.kubernetes.io/name\"]")
    }

    @Test func customErrorsCarryTheFieldLocation() throws {
        let field = try spec().required("shares")
        let error = field.error("must not exceed threshold")
        #expect(error.description == "prod.yaml:2:11: field \"spec.shares\": must not exceed threshold")
    }
}
