import CofferCore
import Testing

@Suite struct PolicyTests {
    private func parseError(_ document: String) -> PolicyError? {
        do {
            _ = try Policy.parse(name: "test", document: document)
            return nil
        } catch {
            return error
        }
    }

    private func capabilities(_ policy: Policy) -> [String: Capabilities] {
        Dictionary(policy.rules.map { ($0.pattern, $0.capabilities) }, uniquingKeysWith: { $0.union($1) })
    }

    @Test func hclPathBlocksWithAllCommentStylesParse() throws {
        let document = """
            # hash comment
            path "secret/data/*" {
                capabilities = ["create", "read"] // line comment
            }
            /* block
               comment */
            path "sys/mounts" { capabilities = ["read", "list",] }
            """
        let policy = try Policy.parse(name: "dev", document: document)
        #expect(policy.name == "dev")
        #expect(policy.raw == document)
        #expect(policy.rules.map(\.pattern) == ["secret/data/*", "sys/mounts"])
        #expect(policy.rules[0].capabilities == [.create, .read])
        #expect(policy.rules[0].isPrefix)
        #expect(policy.rules[1].capabilities == [.read, .list])
        #expect(!policy.rules[1].isPrefix)
    }

    @Test(arguments: [
        ("read", Capabilities([.read, .list])),
        ("write", Capabilities([.create, .read, .update, .delete, .list])),
        ("sudo", Capabilities([.create, .read, .update, .delete, .list, .sudo])),
        ("deny", Capabilities.deny),
    ])
    func legacyPolicyShorthandExpands(shorthand: String, expected: Capabilities) throws {
        let policy = try Policy.parse(name: "legacy", document: "path \"a/*\" { policy = \"\(shorthand)\" }")
        #expect(policy.rules.first?.capabilities == expected)
    }

    @Test func legacyPolicyUnitesWithCapabilities() throws {
        let policy = try Policy.parse(
            name: "p", document: "path \"a\" { policy = \"read\"\n capabilities = [\"patch\"] }")
        #expect(policy.rules.first?.capabilities == [.read, .list, .patch])
    }

    @Test func denyDropsEveryOtherCapability() throws {
        let policy = try Policy.parse(name: "p", document: "path \"a\" { capabilities = [\"read\", \"deny\"] }")
        #expect(policy.rules.first?.capabilities == .deny)
    }

    @Test func parameterConstraintsAndWrappingTTLsParse() throws {
        let document = """
            path "secret/restricted" {
              capabilities = ["create"]
              allowed_parameters = {
                "foo" = []
                "bar" = ["zip", "zap"]
              }
              denied_parameters { "secret" = [] }
              required_parameters = ["bar", "baz"]
              min_wrapping_ttl = "1s"
              max_wrapping_ttl = 90
              comment = "escaped \\" quote and \\u00e9"
            }
            """
        let policy = try Policy.parse(name: "p", document: document)
        #expect(policy.rules.count == 1)
        #expect(policy.rules[0].capabilities == .create)
    }

    @Test func subscribeIsAcceptedAndGrantsNothing() throws {
        let policy = try Policy.parse(
            name: "p", document: "path \"events/*\" { capabilities = [\"subscribe\", \"read\"] }")
        #expect(policy.rules.first?.capabilities == .read)
    }

    @Test func leadingSlashIsDropped() throws {
        let policy = try Policy.parse(name: "p", document: "path \"/secret/x\" { capabilities = [\"read\"] }")
        #expect(policy.rules.first?.pattern == "secret/x")
    }

    @Test func emptyDocumentHasNoRules() throws {
        #expect(try Policy.parse(name: "p", document: "# nothing\n").rules.isEmpty)
    }

    @Test func jsonObjectFormParses() throws {
        let document = """
            {
              "path": {
                "secret/*": { "capabilities": ["read", "list"] },
                "sys/mounts": { "policy": "write" }
              }
            }
            """
        let rules = capabilities(try Policy.parse(name: "json", document: document))
        #expect(rules["secret/*"] == [.read, .list])
        #expect(rules["sys/mounts"] == [.create, .read, .update, .delete, .list])
    }

    @Test func jsonArrayFormParses() throws {
        let document = """
            {"path": [{"a/*": {"capabilities": ["read"]}}, {"b": {"capabilities": ["update"]}}]}
            """
        let rules = capabilities(try Policy.parse(name: "json", document: document))
        #expect(rules == ["a/*": .read, "b": .update])
    }

    @Test func jsonErrorsHaveLineAndColumn() throws {
        let error = try #require(parseError("{\n  \"path\": {\n    \"a\": {\"capabilities\": [\"reed\"]}\n  }\n}"))
        #expect(error.code == .unknownCapability)
        #expect(error.description == "3:28: unknown capability \"reed\"")
    }

    @Test func unknownCapabilityIsRejectedAtItsPosition() throws {
        let error = try #require(parseError("path \"a\" {\n  capabilities = [\"read\", \"root\"]\n}"))
        #expect(error.code == .unknownCapability)
        #expect(error.line == 2)
        #expect(error.column == 27)
        #expect(error.reason == "unknown capability \"root\"")
    }

    @Test func syntaxErrorReportsLine() throws {
        let error = try #require(parseError("path \"a\" {\n  capabilities = [\"read\"\n}\n"))
        #expect(error.code == .syntax)
        #expect(error.description == "3:1: expected \",\" or \"]\", found \"}\"")
    }

    @Test(arguments: [
        ("path \"a\" {\n  capabilities = [\"read\"]\n", "expected \"}\", found end of document"),
        ("path \"a\" capabilities", "expected \"=\" or \"{\" after \"path\", found \"capabilities\""),
        ("path \"a\" { capabilities = [\"read\"] } }", "expected end of document, found \"}\""),
        ("path \"a { }", "unterminated string"),
        ("/* never closed", "unterminated comment"),
        ("path \"a\" { x = <<EOF }", "unexpected \"<\""),
        ("path \"\\q\" { }", "invalid escape sequence"),
    ])
    func malformedDocumentsAreSyntaxErrors(document: String, reason: String) throws {
        let error = try #require(parseError(document))
        #expect(error.code == .syntax)
        #expect(error.reason == reason)
    }

    @Test func missingCapabilitiesIsRejected() throws {
        let error = try #require(parseError("\npath \"secret/*\" {\n  comment = \"x\"\n}"))
        #expect(error.code == .missingCapabilities)
        #expect(error.description == "2:6: path \"secret/*\" has no capabilities")
    }

    @Test func unknownKeysAreRejected() throws {
        #expect(parseError("paths \"a\" { capabilities = [] }")?.code == .invalidKey)
        #expect(parseError("path \"a\" { capability = [\"read\"] }")?.code == .invalidKey)
    }

    @Test func wrongValueTypesAreRejected() throws {
        #expect(parseError("path \"a\" { capabilities = \"read\" }")?.code == .invalidValue)
        #expect(parseError("path \"a\" { capabilities = [1] }")?.code == .invalidValue)
        #expect(parseError("path \"a\" { policy = \"admin\" }")?.code == .invalidValue)
        #expect(parseError("path = \"a\"")?.code == .invalidValue)
        #expect(parseError("path \"\" { capabilities = [] }")?.code == .invalidValue)
    }

    @Test func excessiveNestingIsRejected() throws {
        let document =
            "path \"a\" { comment = " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + " }"
        #expect(parseError(document)?.reason == "nesting too deep")
    }

    @Test func defaultPolicyParsesAndCoversSelfService() throws {
        let policy = try Policy.parse(name: Policy.defaultName, document: Policy.defaultPolicyDocument)
        let acl = ACL(policies: [policy])
        #expect(acl.allows(.read, path: "auth/token/lookup-self"))
        #expect(acl.allows(.update, path: "auth/token/renew-self"))
        #expect(acl.allows(.update, path: "auth/token/revoke-self"))
        #expect(acl.allows(.update, path: "sys/capabilities-self"))
        #expect(acl.allows(.create, path: "cubbyhole/notes"))
        #expect(acl.allows(.update, path: "sys/wrapping/unwrap"))
        #expect(!acl.allows(.read, path: "secret/data/app"))
        #expect(!acl.allows(.update, path: "auth/token/create"))
        #expect(Policy.defaultPolicy.rules.count == policy.rules.count)
    }

    @Test func rootPolicyIsRecognisedByName() {
        #expect(Policy.root.isRoot)
        #expect(!Policy.defaultPolicy.isRoot)
    }
}
