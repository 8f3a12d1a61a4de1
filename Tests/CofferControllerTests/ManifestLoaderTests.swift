import CofferController
import Testing

@Suite struct ManifestLoaderTests {
    /// A valid manifest; the bad cases below edit its lines, so their line numbers refer to it.
    static let valid = [
        "apiVersion: coffer/v1",  // 1
        "kind: Topology",  // 2
        "metadata: { name: prod }",  // 3
        "spec:",  // 4
        "  reconcile: { interval: 30s, drift: correct, backoff: { initial: 1s, max: 5m } }",  // 5
        "  trust: { caFile: ca.pem, certFile: c.pem, keyFile: k.pem }",  // 6
        "  unseal:",  // 7
        "    shares: 5",  // 8
        "    threshold: 3",  // 9
        "    custody: { type: file, path: keys }",  // 10
        "  clusters:",  // 11
        "    - name: dc1",  // 12
        "      role: primary",  // 13
        "      nodes:",  // 14
        "        - { name: dc1-a, agent: https://10.0.1.10:8200, bootstrap: true }",  // 15
        "        - { name: dc1-b, agent: https://10.0.1.11:8200 }",  // 16
        "    - name: dc2",  // 17
        "      role: secondary",  // 18
        "      primary: dc1",  // 19
        "      nodes:",  // 20
        "        - { name: dc2-a, agent: https://10.0.2.10:8200, bootstrap: true }",  // 21
    ]

    static var packageRoot: String {
        var parts = #filePath.split(separator: "/").dropLast(3)
        if parts.isEmpty { parts = ["."] }
        return "/" + parts.joined(separator: "/")
    }

    private static let trust = TrustSettings(caFile: "ca.pem", certificateFile: "c.pem", keyFile: "k.pem")

    @Test func theValidBaseParses() throws {
        let manifest = try ManifestLoader.parse(Self.valid.joined(separator: "\n"), file: "m.yaml")
        var reconcile = ReconcileSettings()
        reconcile.intervalSeconds = 30
        reconcile.backoffInitialSeconds = 1
        reconcile.backoffMaxSeconds = 300
        let expected = Manifest(
            name: "prod", file: "m.yaml", reconcile: reconcile, trust: Self.trust,
            unseal: UnsealSettings(shares: 5, threshold: 3, custody: .file(path: "keys")),
            clusters: [
                ClusterSpec(
                    name: "dc1", role: .primary,
                    nodes: [
                        NodeSpec(name: "dc1-a", agent: "https://10.0.1.10:8200", bootstrap: true),
                        NodeSpec(name: "dc1-b", agent: "https://10.0.1.11:8200"),
                    ]),
                ClusterSpec(
                    name: "dc2", role: .secondary, primary: "dc1",
                    nodes: [NodeSpec(name: "dc2-a", agent: "https://10.0.2.10:8200", bootstrap: true)]),
            ])
        #expect(manifest == expected)
    }

    @Test func theLocalExampleParses() throws {
        let path = "\(Self.packageRoot)/Manifests/local.yaml"
        let manifest = try ManifestLoader.load(path: path)
        var reconcile = ReconcileSettings()
        reconcile.intervalSeconds = 5
        reconcile.stateDirectory = ".coffer/controller"
        let expected = Manifest(
            name: "local", file: path, reconcile: reconcile,
            trust: TrustSettings(
                caFile: ".coffer/pki/ca.pem", certificateFile: ".coffer/pki/controller.pem",
                keyFile: ".coffer/pki/controller-key.pem"),
            unseal: UnsealSettings(shares: 3, threshold: 2, custody: .file(path: ".coffer/keys")),
            clusters: [
                ClusterSpec(
                    name: "dc1", role: .primary,
                    nodes: [
                        NodeSpec(name: "dc1-a", agent: "https://127.0.0.1:8200", bootstrap: true),
                        NodeSpec(name: "dc1-b", agent: "https://127.0.0.1:8210"),
                    ]),
                ClusterSpec(
                    name: "dc2", role: .secondary, primary: "dc1",
                    nodes: [
                        NodeSpec(name: "dc2-a", agent: "https://127.0.0.1:8220", bootstrap: true),
                        NodeSpec(name: "dc2-b", agent: "https://127.0.0.1:8230"),
                    ]),
            ])
        #expect(manifest == expected)
    }

    @Test func theProductionExampleParses() throws {
        let manifest = try ManifestLoader.load(path: "\(Self.packageRoot)/Manifests/two-dc.yaml")
        #expect(manifest.name == "prod")
        #expect(manifest.reconcile.intervalSeconds == 30)
        #expect(manifest.reconcile.drift == .correct)
        #expect(manifest.reconcile.backoffInitialSeconds == 1)
        #expect(manifest.reconcile.backoffMaxSeconds == 300)
        #expect(manifest.trust.caFile == "/etc/coffer/pki/ca.pem")
        #expect(manifest.trust.certificateFile == "/etc/coffer/pki/controller.pem")
        #expect(manifest.trust.keyFile == "/etc/coffer/pki/controller-key.pem")
        #expect(manifest.unseal == UnsealSettings(shares: 5, threshold: 3, custody: .file(path: "/etc/coffer/keys")))
        #expect(manifest.clusters.map(\.name) == ["dc1", "dc2", "dc3"])
        #expect(manifest.primary?.name == "dc1")
        #expect(manifest.primary?.nodes.count == 3)
        #expect(manifest.clusters.dropFirst().allSatisfy { $0.role == .secondary && $0.primary == "dc1" })
        #expect(manifest.clusters.map { $0.bootstrapNode?.name } == ["dc1-a", "dc2-a", "dc3-a"])
        #expect(manifest.nodes.count == 7)
    }

    @Test func reorderingClustersAndNodesChangesNothingByName() throws {
        let reordered = [
            "kind: Topology",
            "spec:",
            "  clusters:",
            "    - name: dc2",
            "      nodes:",
            "        - { bootstrap: true, agent: https://10.0.2.10:8200, name: dc2-a }",
            "      primary: dc1",
            "      role: secondary",
            "    - role: primary",
            "      name: dc1",
            "      nodes:",
            "        - { name: dc1-b, agent: https://10.0.1.11:8200 }",
            "        - { name: dc1-a, agent: https://10.0.1.10:8200, bootstrap: true }",
            "  unseal: { custody: { path: keys, type: file }, threshold: 3, shares: 5 }",
            "  trust: { keyFile: k.pem, certFile: c.pem, caFile: ca.pem }",
            "  reconcile: { backoff: { max: 5m, initial: 1s }, drift: correct, interval: 30s }",
            "metadata: { name: prod }",
            "apiVersion: coffer/v1",
        ]
        let original = try ManifestLoader.parse(Self.valid.joined(separator: "\n"), file: "m.yaml")
        let shuffled = try ManifestLoader.parse(reordered.joined(separator: "\n"), file: "m.yaml")
        #expect(shuffled.clusters.map(\.name) == ["dc2", "dc1"])
        #expect(Self.byName(shuffled) == Self.byName(original))
        #expect(shuffled.trust == original.trust)
        #expect(shuffled.unseal == original.unseal)
        #expect(shuffled.reconcile == original.reconcile)
    }

    /// Each cluster under its name, its nodes sorted by name: the identity the manifest promises.
    private static func byName(_ manifest: Manifest) -> [String: ClusterSpec] {
        var result: [String: ClusterSpec] = [:]
        for var cluster in manifest.clusters {
            cluster.nodes.sort { $0.name < $1.name }
            result[cluster.name] = cluster
        }
        return result
    }

    @Test(arguments: BadManifest.all)
    func badManifestsAreRefusedAtTheOffendingNode(_ bad: BadManifest) {
        let text = bad.apply(to: Self.valid)
        do {
            let manifest = try ManifestLoader.parse(text, file: "m.yaml")
            Issue.record("accepted: \(manifest.name)")
        } catch {
            #expect(error.description == bad.expected)
        }
    }

    /// `valid` with node dc1-b's agent replaced, quoted because flow mappings end at a bracket.
    private static func withSecondAgent(_ agent: String) -> String {
        BadManifest(16...16, "        - { name: dc1-b, agent: \"\(agent)\" }", "").apply(to: valid)
    }

    @Test(arguments: ["https://[::1]:8200", "https://coffer-1.Example.internal:443", "https://10.0.1.11:65535"])
    func agentURLsWithAHostAndPortAreAccepted(_ agent: String) throws {
        let manifest = try ManifestLoader.parse(Self.withSecondAgent(agent), file: "m.yaml")
        #expect(manifest.cluster(named: "dc1")?.nodes.last?.agent == agent)
    }

    @Test(arguments: [
        "https://10.0.1.11:0", "https://10.0.1.11:65536", "https://:8200", "https://user@h:8200", "https://h:8200?x",
        "https://h:8200/", "https://[::1]", "HTTPS://h:8200", "https://h_1:8200",
    ])
    func agentURLsOtherThanHostAndPortAreRefused(_ agent: String) {
        do {
            _ = try ManifestLoader.parse(Self.withSecondAgent(agent), file: "m.yaml")
            Issue.record("accepted")
        } catch {
            #expect(error.field == "spec.clusters[0].nodes[1].agent")
            #expect(error.reason == "expected https://host:port, with no path")
        }
    }

    @Test func agentsDifferingOnlyInHostCaseAreTheSameAgent() {
        var lines = Self.valid
        lines[15] = "        - { name: dc1-b, agent: https://dc2.example:8200 }"
        lines[20] = "        - { name: dc2-a, agent: https://DC2.example:8200, bootstrap: true }"
        do {
            _ = try ManifestLoader.parse(lines.joined(separator: "\n"), file: "m.yaml")
            Issue.record("accepted")
        } catch {
            #expect(
                error.description
                    == "m.yaml:21:33: spec.clusters[1].nodes[0].agent: agent https://DC2.example:8200 is already used"
                    + " by node dc1-b at spec.clusters[0].nodes[1].agent")
        }
    }

    @Test func aMissingFileNamesThePath() {
        let path = "/nonexistent/coffer-manifest.yaml"
        do {
            _ = try ManifestLoader.load(path: path)
            Issue.record("a missing file loaded")
        } catch {
            #expect(error.code == .io)
            #expect(error.location == nil)
            #expect(error.description.hasPrefix("\(path): cannot open file"))
        }
    }

    @Test func anEmptyDocumentIsNotAManifest() {
        do {
            _ = try ManifestLoader.parse("", file: "m.yaml")
            Issue.record("an empty document loaded")
        } catch {
            #expect(error.code == .invalidValue)
            #expect(error.field == "")
            #expect(error.description == "m.yaml:1:1: expected a mapping, found null")
        }
    }

    @Test func errorCodesSayWhatKindOfFailure() {
        let cases: [(edit: BadManifest, code: ManifestError.Code)] = [
            (BadManifest(6...6, "  trust: { caFile: a, certFile: b, keyFile: c, pin: d }", ""), .unknownField),
            (BadManifest(9...9, "", ""), .missingField),
            (BadManifest(8...8, "    shares: x", ""), .invalidValue),
            (BadManifest(8...8, "    shares: 5\n    shares: 5", ""), .syntax),
        ]
        for (edit, code) in cases {
            do {
                _ = try ManifestLoader.parse(edit.apply(to: Self.valid), file: "m.yaml")
                Issue.record("accepted: \(edit)")
            } catch {
                #expect(error.code == code, "\(error)")
            }
        }
    }
}

/// `ManifestLoaderTests.valid` with some lines replaced, and the exact error it must produce.
struct BadManifest: Sendable, CustomTestStringConvertible {
    /// The 1-based lines to replace.
    var lines: ClosedRange<Int>
    /// The new lines, separated by newlines; empty to delete the lines.
    var replacement: String
    var expected: String

    init(_ lines: ClosedRange<Int>, _ replacement: String, _ expected: String) {
        self.lines = lines
        self.replacement = replacement
        self.expected = expected
    }

    var testDescription: String { expected }

    func apply(to valid: [String]) -> String {
        var result = valid
        let new = replacement.isEmpty ? [] : replacement.split(separator: "\n").map(String.init)
        result.replaceSubrange((lines.lowerBound - 1)...(lines.upperBound - 1), with: new)
        return result.joined(separator: "\n")
    }

    static let nameRule =
        "expected at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"
    static let dc3 = [
        "        - { name: dc2-a, agent: https://10.0.2.10:8200, bootstrap: true }",
        "    - name: dc3",
        "      role: secondary",
        "      primary: dc2",
        "      nodes:",
        "        - { name: dc3-a, agent: https://10.0.3.10:8200, bootstrap: true }",
    ].joined(separator: "\n")

    static let all: [BadManifest] = [
        // Unknown fields, at the key, listing the known ones.
        BadManifest(
            3...3, "metadata: { name: prod, labels: x }",
            "m.yaml:3:25: metadata.labels: unknown field; expected one of name"),
        BadManifest(
            6...6, "  trust: { caFile: ca.pem, certFile: c.pem, keyFile: k.pem, keyPass: x }",
            "m.yaml:6:61: spec.trust.keyPass: unknown field; expected one of caFile, certFile, keyFile"),
        BadManifest(
            16...16, "        - { name: dc1-b, agent: https://10.0.1.11:8200, bootstap: true }",
            "m.yaml:16:57: spec.clusters[0].nodes[1].bootstap: unknown field; expected one of name, agent, bootstrap"),
        // Missing and mistyped fields.
        BadManifest(9...9, "", "m.yaml:8:5: spec.unseal.threshold: required field is missing"),
        BadManifest(
            6...6, "  trust: { caFile: ca.pem, keyFile: k.pem }",
            "m.yaml:6:10: spec.trust.certFile: required field is missing"),
        BadManifest(8...8, "    shares: five", "m.yaml:8:13: spec.unseal.shares: expected an integer, found a string"),
        BadManifest(
            16...16, "        - { name: dc1-b, agent: https://10.0.1.11:8200, bootstrap: yes }",
            "m.yaml:16:68: spec.clusters[0].nodes[1].bootstrap: expected true or false, found a string"),
        BadManifest(1...1, "apiVersion: coffer/v2", "m.yaml:1:13: apiVersion: expected coffer/v1"),
        BadManifest(2...2, "kind: Cluster", "m.yaml:2:7: kind: expected Topology"),
        // Names.
        BadManifest(17...17, "    - name: DC2", "m.yaml:17:13: spec.clusters[1].name: \(nameRule)"),
        BadManifest(
            3...3, "metadata: { name: \(String(repeating: "a", count: 64)) }",
            "m.yaml:3:19: metadata.name: \(nameRule)"),
        BadManifest(
            15...15, "        - { name: dc1-, agent: https://10.0.1.10:8200, bootstrap: true }",
            "m.yaml:15:19: spec.clusters[0].nodes[0].name: \(nameRule)"),
        // Clusters and their roles.
        BadManifest(11...21, "  clusters: []", "m.yaml:11:13: spec.clusters: a topology needs at least one cluster"),
        BadManifest(
            13...13, "      role: secondary\n      primary: dc2",
            "m.yaml:12:5: spec.clusters: no cluster has role primary; exactly one must"),
        BadManifest(
            18...19, "      role: primary",
            "m.yaml:18:13: spec.clusters[1].role: clusters dc1 and dc2 are both primary; exactly one may be"),
        BadManifest(19...19, "", "m.yaml:17:7: spec.clusters[1].primary: a secondary cluster must name its primary"),
        BadManifest(19...19, "      primary: dc9", "m.yaml:19:16: spec.clusters[1].primary: no cluster is named dc9"),
        BadManifest(
            21...21, dc3, "m.yaml:24:16: spec.clusters[2].primary: cluster dc2 is a secondary; the primary is dc1"),
        BadManifest(
            13...13, "      role: primary\n      primary: dc2",
            "m.yaml:14:16: spec.clusters[0].primary: a primary cluster replicates from no other; remove primary"),
        BadManifest(
            18...18, "      role: leader",
            "m.yaml:18:13: spec.clusters[1].role: expected one of \"primary\", \"secondary\""),
        // Duplicates point at the second occurrence and name the first.
        BadManifest(
            17...17, "    - name: dc1",
            "m.yaml:17:13: spec.clusters[1].name: cluster name dc1 is already used at spec.clusters[0]"
        ),
        BadManifest(
            21...21, "        - { name: dc1-b, agent: https://10.0.2.10:8200, bootstrap: true }",
            "m.yaml:21:19: spec.clusters[1].nodes[0].name: node name dc1-b is already used at spec.clusters[0].nodes[1]"
        ),
        BadManifest(
            21...21, "        - { name: dc2-a, agent: https://10.0.1.11:8200, bootstrap: true }",
            "m.yaml:21:33: spec.clusters[1].nodes[0].agent: agent https://10.0.1.11:8200 is already used by node dc1-b"
                + " at spec.clusters[0].nodes[1].agent"),
        // Nodes.
        BadManifest(
            20...21, "      nodes: []", "m.yaml:20:14: spec.clusters[1].nodes: a cluster needs at least one node"),
        BadManifest(
            15...15, "        - { name: dc1-a, agent: https://10.0.1.10:8200 }",
            "m.yaml:15:9: spec.clusters[0].nodes: no node has bootstrap: true; exactly one node of cluster dc1 must"),
        BadManifest(
            16...16, "        - { name: dc1-b, agent: https://10.0.1.11:8200, bootstrap: true }",
            "m.yaml:16:68: spec.clusters[0].nodes[1].bootstrap: nodes dc1-a and dc1-b both have bootstrap: true;"
                + " exactly one may"),
        BadManifest(
            16...16, "        - { name: dc1-b, agent: https://10.0.1.11:8200/v1 }",
            "m.yaml:16:33: spec.clusters[0].nodes[1].agent: expected https://host:port, with no path"),
        BadManifest(
            16...16, "        - { name: dc1-b, agent: https://10.0.1.11 }",
            "m.yaml:16:33: spec.clusters[0].nodes[1].agent: expected https://host:port, with no path"),
        BadManifest(
            16...16, "        - { name: dc1-b, agent: http://10.0.1.11:8200 }",
            "m.yaml:16:33: spec.clusters[0].nodes[1].agent: expected https://host:port, with no path"),
        // Unseal.
        BadManifest(8...8, "    shares: 256", "m.yaml:8:13: spec.unseal.shares: expected an integer from 1 to 255"),
        BadManifest(8...8, "    shares: 0", "m.yaml:8:13: spec.unseal.shares: expected an integer from 1 to 255"),
        BadManifest(
            8...9, "    shares: 3\n    threshold: 4",
            "m.yaml:9:16: spec.unseal.threshold: threshold 4 is above the share count 3"),
        BadManifest(9...9, "    threshold: 0", "m.yaml:9:16: spec.unseal.threshold: threshold must be at least 1"),
        BadManifest(
            9...9, "    threshold: 1",
            "m.yaml:9:16: spec.unseal.threshold: threshold 1 with 5 shares is refused; use at least 2, or 1 share"),
        BadManifest(
            10...10, "    custody: { type: vault, path: keys }",
            "m.yaml:10:22: spec.unseal.custody.type: expected one of \"file\""),
        BadManifest(
            10...10, "    custody: { type: file, path: \"\" }",
            "m.yaml:10:34: spec.unseal.custody.path: must not be empty"),
        BadManifest(
            6...6, "  trust: { caFile: '', certFile: c.pem, keyFile: k.pem }",
            "m.yaml:6:20: spec.trust.caFile: must not be empty"),
        // Reconcile.
        BadManifest(
            5...5, "  reconcile: { interval: 500ms }", "m.yaml:5:26: spec.reconcile.interval: must be at least 1s"),
        BadManifest(
            5...5, "  reconcile: { interval: soon }",
            "m.yaml:5:26: spec.reconcile.interval: expected a duration such as 30s, 5m or 1h"),
        BadManifest(
            5...5, "  reconcile: { interval: 30s, drift: correct, backoff: { initial: 10m, max: 5m } }",
            "m.yaml:5:67: spec.reconcile.backoff.initial: initial backoff 600s is above the maximum 300s"),
        BadManifest(
            5...5, "  reconcile: { interval: 30s, drift: fix }",
            "m.yaml:5:38: spec.reconcile.drift: expected one of \"correct\", \"report\""),
        BadManifest(
            5...5, "  reconcile: { stateDir: \"\" }", "m.yaml:5:26: spec.reconcile.stateDir: must not be empty"),
    ]
}
