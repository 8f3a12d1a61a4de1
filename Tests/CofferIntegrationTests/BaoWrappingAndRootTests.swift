import Foundation
import Testing

/// Response wrapping and root generation through the real OpenBao CLI, so that the wire formats
/// (wrap headers, the unwrap call, the OTP encoding of a generated root token) match what it expects.
@Suite(.serialized)
struct BaoWrappingAndRootTests {
    @Test func wrapUnwrapAndASecondUnwrapIsRefused() throws {
        let node = try BaoDevNode()
        var (code, out) = try node.cli.run(["kv", "put", "secret/app", "password=hunter2"])
        try #require(code == 0, "kv put: \(out)")
        (code, out) = try node.cli.run(["read", "-wrap-ttl=60s", "-field=wrapping_token", "secret/data/app"])
        try #require(code == 0, "wrapped read: \(out)")
        let wrapping = out.trimmed
        #expect(!wrapping.isEmpty && !out.contains("hunter2"), "the wrapped answer holds no secret")

        (code, out) = try node.cli.run(["write", "-format=json", "sys/wrapping/lookup", "token=\(wrapping)"])
        #expect(code == 0 && out.contains("\"creation_path\""), "lookup: \(out)")
        (code, out) = try node.cli.run(["unwrap", "-format=json", wrapping])
        #expect(code == 0 && out.contains("hunter2"), "unwrap: \(out)")
        (code, out) = try node.cli.run(["unwrap", wrapping])
        #expect(code != 0, "a wrapping token unwraps once: \(out)")

        (code, out) = try node.cli.run(["write", "-wrap-ttl=60s", "-field=wrapping_token", "sys/wrapping/wrap", "k=v"])
        try #require(code == 0, "wrap: \(out)")
        let wrapped = out.trimmed
        (code, out) = try node.cli.run(["write", "-field=wrapping_token", "sys/wrapping/rewrap", "token=\(wrapped)"])
        try #require(code == 0, "rewrap: \(out)")
        let rewrapped = out.trimmed
        #expect(rewrapped != wrapped)
        (code, out) = try node.cli.run(["unwrap", "-field=k", rewrapped])
        #expect(code == 0 && out.trimmed == "v", "unwrap after rewrap: \(out)")
        (code, out) = try node.cli.run(["unwrap", wrapped])
        #expect(code != 0, "rewrap retires the old token: \(out)")
    }

    @Test func generateRootDecodesWithTheCLI() throws {
        let node = try BaoDevNode()
        let key = try #require(node.unsealKey, "dev banner: \(node.agent.stdout)")
        var (code, out) = try node.cli.run(["operator", "generate-root", "-init", "-format=json"])
        try #require(code == 0, "generate-root -init: \(out)")
        let started = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
        let otp = try #require(started?["otp"] as? String)
        let nonce = try #require(started?["nonce"] as? String)
        (code, out) = try node.cli.run(["operator", "generate-root", "-nonce=\(nonce)", "-format=json", key])
        try #require(code == 0, "generate-root update: \(out)")
        let finished = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
        let encoded = try #require(
            (finished?["encoded_token"] as? String) ?? (finished?["encoded_root_token"] as? String), "\(out)")
        (code, out) = try node.cli.run(["operator", "generate-root", "-decode=\(encoded)", "-otp=\(otp)"])
        try #require(code == 0, "decode: \(out)")
        let token = out.trimmed
        #expect(token.hasPrefix("hvs."))
        (code, out) = try node.cli.run(["token", "lookup", "-format=json"], token: token)
        #expect(code == 0 && out.contains("\"root\""), "the decoded token is a root token: \(out)")

        (code, out) = try node.cli.run(["operator", "generate-root", "-init", "-format=json"])
        try #require(code == 0)
        let second = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
        let secondNonce = try #require(second?["nonce"] as? String)
        (code, out) = try node.cli.run(["operator", "generate-root", "-nonce=\(secondNonce)", "not-a-share"])
        #expect(code != 0, "a malformed share is refused: \(out)")
        (code, out) = try node.cli.run(["operator", "generate-root", "-status", "-format=json"])
        #expect(out.contains("\"progress\": 0"), "and progress is unchanged: \(out)")
        _ = try node.cli.run(["operator", "generate-root", "-cancel"])
    }
}
