import CofferCore
import Testing

@Suite struct PolicyACLTests {
    private func acl(_ documents: String...) throws -> ACL {
        ACL(
            policies: try documents.enumerated().map { index, document in
                try Policy.parse(name: "p\(index)", document: document)
            })
    }

    private static let overlapping = """
        path "secret/*" { capabilities = ["read"] }
        path "secret/foo" { capabilities = ["update"] }
        path "secret/+/bar" { capabilities = ["list"] }
        path "secret/fo*" { capabilities = ["create"] }
        path "secret/+/*" { capabilities = ["patch"] }
        """

    @Test(arguments: [
        ("secret/foo", Capabilities.update),  // the exact pattern wins outright
        ("secret/fo", .create),  // secret/fo* has its glob later than secret/*
        ("secret/foo/bar", .create),  // all but the exact rule match; secret/fo* has the latest wildcard
        ("secret/foobar", .create),
        ("secret/bar", .read),  // only secret/* matches
        ("secret/x/y", .read),  // secret/* and secret/+/* tie on wildcard offset and glob; fewer + wins
        ("secret/x/bar", .list),  // secret/+/bar does not end in *, so it beats both globs at offset 7
        ("secret/", .read),
        ("secret", Capabilities()),
        ("other/foo", Capabilities()),
    ])
    func highestPriorityRuleDecides(path: String, expected: Capabilities) throws {
        #expect(try acl(Self.overlapping).capabilities(for: path) == expected)
    }

    @Test func capabilitiesAreNotUnitedAcrossPatterns() throws {
        let acl = try acl(Self.overlapping)
        #expect(acl.allows(.create, path: "secret/fo"))
        #expect(!acl.allows(.read, path: "secret/fo"))
        #expect(acl.matchingRule(for: "secret/fo")?.pattern == "secret/fo*")
    }

    @Test func samePatternAcrossPoliciesUnites() throws {
        let acl = try acl(
            "path \"secret/*\" { capabilities = [\"read\"] }",
            "path \"secret/*\" { capabilities = [\"create\", \"update\"] }")
        #expect(acl.capabilities(for: "secret/a") == [.read, .create, .update])
    }

    @Test func samePatternWithinOnePolicyUnites() throws {
        let acl = try acl("path \"a\" { capabilities = [\"read\"] }\npath \"a\" { capabilities = [\"list\"] }")
        #expect(acl.capabilities(for: "a") == [.read, .list])
    }

    @Test func denyOnAPatternWinsAcrossPolicies() throws {
        let acl = try acl(
            "path \"secret/*\" { capabilities = [\"read\", \"sudo\"] }",
            "path \"secret/*\" { capabilities = [\"deny\"] }",
            "path \"secret/*\" { capabilities = [\"update\"] }")
        #expect(acl.capabilities(for: "secret/a") == .deny)
        #expect(!acl.allows(.read, path: "secret/a"))
        #expect(!acl.hasSudo(path: "secret/a"))
    }

    @Test func moreSpecificDenyOverridesBroaderGrant() throws {
        let acl = try acl(
            "path \"secret/*\" { capabilities = [\"read\"] }", "path \"secret/admin/*\" { policy = \"deny\" }")
        #expect(acl.allows(.read, path: "secret/app"))
        #expect(!acl.allows(.read, path: "secret/admin/key"))
    }

    @Test func moreSpecificGrantOverridesBroaderDeny() throws {
        let acl = try acl(
            "path \"secret/*\" { capabilities = [\"deny\"] }", "path \"secret/open\" { capabilities = [\"read\"] }")
        #expect(acl.allows(.read, path: "secret/open"))
        #expect(!acl.allows(.read, path: "secret/other"))
    }

    @Test func plusDoesNotMatchAcrossSlashes() throws {
        let acl = try acl("path \"kv/+/config\" { capabilities = [\"read\"] }")
        #expect(acl.allows(.read, path: "kv/app/config"))
        #expect(!acl.allows(.read, path: "kv/app/nested/config"))
        #expect(!acl.allows(.read, path: "kv/config"))
    }

    @Test func unanchoredAndAnchoredRulesCompete() throws {
        let acl = try acl(
            "path \"+/data/x\" { capabilities = [\"update\"] }\npath \"kv/*\" { capabilities = [\"read\"] }")
        // `kv/*` has its glob at offset 3, after `+` at offset 0, so it wins where both match.
        #expect(acl.capabilities(for: "kv/data/x") == .read)
        #expect(acl.capabilities(for: "other/data/x") == .update)
    }

    @Test func globInFirstSegmentMatches() throws {
        let acl = try acl("path \"sec*\" { capabilities = [\"read\"] }")
        #expect(acl.allows(.read, path: "secret/a"))
        #expect(acl.allows(.read, path: "sec"))
        #expect(!acl.allows(.read, path: "se"))
    }

    @Test func rootAllowsEverythingIncludingSudo() throws {
        let deny = try Policy.parse(name: "deny", document: "path \"*\" { capabilities = [\"deny\"] }")
        let acl = ACL(policies: [deny, .root])
        #expect(acl.isRoot)
        #expect(acl.capabilities(for: "sys/seal") == .all)
        #expect(acl.allows(.delete, path: "any/path"))
        #expect(acl.hasSudo(path: "sys/seal"))
        #expect(acl.policyNames == ["deny", "root"])
    }

    @Test func rootACLReportsRootCapabilityName() {
        #expect(ACL.root.isRoot)
        #expect(ACL.root.capabilityNames(for: "secret/a") == ["root"])
        #expect(ACL.root.allows(.patch, path: "secret/a"))
    }

    @Test func capabilityNamesFollowVaultReporting() throws {
        let acl = try acl(
            "path \"a/*\" { capabilities = [\"update\", \"read\"] }\npath \"b\" { capabilities = [\"deny\"] }")
        #expect(acl.capabilityNames(for: "a/x") == ["read", "update"])
        #expect(acl.capabilityNames(for: "b") == ["deny"])
        #expect(acl.capabilityNames(for: "c") == ["deny"])
    }

    @Test func sudoIsReportedOnlyWhereGranted() throws {
        let acl = try acl("path \"sys/mounts/*\" { capabilities = [\"update\", \"sudo\"] }")
        #expect(acl.hasSudo(path: "sys/mounts/kv"))
        #expect(!acl.hasSudo(path: "sys/policy/x"))
        #expect(!acl.isRoot)
    }

    @Test func emptyACLDeniesEverything() {
        #expect(ACL.empty.capabilities(for: "secret/a").isEmpty)
        #expect(!ACL.empty.allows(.read, path: "secret/a"))
        #expect(!ACL.empty.allows(.list, path: ""))
        #expect(!ACL.empty.hasSudo(path: "sys/seal"))
    }

    private static let operations: [LogicalOperation] = [.read, .create, .update, .patch, .delete, .list]

    @Test(arguments: operations)
    func operationsMapToTheirCapability(operation: LogicalOperation) throws {
        let name = operation.rawValue
        let acl = try acl("path \"x\" { capabilities = [\"\(name)\"] }")
        #expect(acl.allows(operation, path: "x"))
        for other in Self.operations where other != operation {
            #expect(!acl.allows(other, path: "x"))
        }
    }
}
