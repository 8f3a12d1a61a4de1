import CofferController
import Testing

@Suite struct ManifestModelTests {
    @Test func primaryAndNodesAreFoundByName() {
        let manifest = Manifest(
            name: "t", trust: TrustSettings(caFile: "ca", certificateFile: "c", keyFile: "k"),
            unseal: UnsealSettings(shares: 1, threshold: 1, custody: .file(path: "keys")),
            clusters: [
                ClusterSpec(name: "b", role: .secondary, primary: "a", nodes: [NodeSpec(name: "b1", agent: "x")]),
                ClusterSpec(name: "a", role: .primary, nodes: [NodeSpec(name: "a1", agent: "y", bootstrap: true)]),
            ])
        #expect(manifest.primary?.name == "a")
        #expect(manifest.cluster(named: "a")?.bootstrapNode?.name == "a1")
        #expect(manifest.nodes.map(\.node.name) == ["b1", "a1"])
    }
}
