import CofferTestSupport
import Foundation
import Testing

/// `coffer up`, the README's first command, on a loopback manifest with free ports.
@Suite(.serialized)
struct UpCommandTests {
    func manifest(directory: URL, ports: [Int]) -> String {
        let root = directory.path
        return """
            apiVersion: coffer/v1
            kind: Topology
            metadata: { name: up-test }
            spec:
              reconcile: { interval: 1s, stateDir: \(root)/state/controller }
              trust:
                caFile: \(root)/state/pki/ca.pem
                certFile: \(root)/state/pki/controller.pem
                keyFile: \(root)/state/pki/controller-key.pem
              unseal: { shares: 3, threshold: 2, custody: { type: file, path: \(root)/state/keys } }
              clusters:
                - name: dc1
                  role: primary
                  nodes:
                    - { name: dc1-a, agent: "https://127.0.0.1:\(ports[0])", bootstrap: true }
                    - { name: dc1-b, agent: "https://127.0.0.1:\(ports[1])" }
                - name: dc2
                  role: secondary
                  primary: dc1
                  nodes:
                    - { name: dc2-a, agent: "https://127.0.0.1:\(ports[2])", bootstrap: true }
                    - { name: dc2-b, agent: "https://127.0.0.1:\(ports[3])" }
            """
    }

    /// Starts `coffer up`, waits for it to converge, interrupts it and returns its output.
    func upUntilConverged(_ manifestPath: String, directory: URL) throws -> (output: String, status: Int32) {
        let up = try AgentProcess(
            arguments: ["up", "-f", manifestPath, "--dir", directory.appendingPathComponent("state").path],
            directory: directory)
        let converged = eventually(timeout: 60) { up.stdout.contains("Converged in") }
        kill(up.process.processIdentifier, SIGINT)
        let status = up.terminate()
        try #require(converged, "coffer up did not converge:\n\(up.stdout)\n\(up.stderr)")
        return (up.stdout + up.stderr, status)
    }

    @Test func upConvergesStopsItsAgentsAndComesBackWithoutANewInit() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ports = (0..<4).map { _ in freePortWithFreeSuccessor() }
        let manifestPath = directory.appendingPathComponent("local.yaml").path
        try manifest(directory: directory, ports: ports).write(toFile: manifestPath, atomically: true, encoding: .utf8)

        let first = try upUntilConverged(manifestPath, directory: directory)
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.contains("initialised dc1"))
        #expect(first.output.contains("activated dc2 as a secondary of dc1"))
        #expect(first.output.contains("secondary/stream-wals/ready"))
        #expect(first.output.contains("bao kv put secret/hello"), "the try-this lines")
        #expect(first.output.contains("coffer up: stopping the agents"))
        for port in ports {
            let client = VaultTestClient(baseURL: "https://127.0.0.1:\(port)")
            #expect((try? client.get("sys/health")) == nil, "the agent on \(port) was stopped")
        }
        let keyMode =
            try FileManager.default.attributesOfItem(
                atPath: directory.appendingPathComponent("state/pki/ca-key.pem").path)[.posixPermissions] as? Int
        #expect(keyMode == 0o600)

        let second = try upUntilConverged(manifestPath, directory: directory)
        #expect(second.status == 0)
        #expect(!second.output.contains("initialised"), "the second run reuses data and custody: \(second.output)")
        #expect(second.output.contains("unsealed dc2/dc2-a"))
        #expect(second.output.contains("secondary/stream-wals/ready"))
    }
}
