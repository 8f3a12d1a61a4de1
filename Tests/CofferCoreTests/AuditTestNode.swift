import CofferBase
import CofferStorage
import Foundation
import Testing

@testable import CofferCore

/// A dev core (through `AuthTestNode`) with a temporary directory for audit logs, removed at the end.
final class AuditTestNode {
    let node: AuthTestNode
    let directory: URL

    init() throws {
        node = try AuthTestNode()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("coffer-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory.path)
        try? FileManager.default.removeItem(at: directory)
    }

    var core: Core { node.core }

    /// A path in the temporary directory.
    func file(_ name: String) -> String { directory.appendingPathComponent(name).path }

    @discardableResult
    func send(
        _ method: String, _ path: String, _ body: JSON? = nil, token: String? = nil, wrapTTL: Int64? = nil
    ) -> VaultResponse {
        var request = VaultRequest(method: method, path: path, body: body, token: token ?? node.root)
        request.wrapTTL = wrapTTL
        return core.handle(request)
    }

    /// Enables a file device at `path` writing to `file` (in the temporary directory) and fails
    /// the test unless that worked.
    func enable(
        _ path: String = "file", file: String = "audit.log", options: [String: JSON] = [:], local: Bool = false
    ) throws {
        var all = options
        all["file_path"] = .string(self.file(file))
        let reply = send("PUT", "sys/audit/\(path)", ["type": "file", "options": .object(all), "local": .bool(local)])
        try #require(reply.status == 204, "enable \(path): \(String(describing: reply.body))")
    }

    /// What the device at `path` makes of `input`, through `sys/audit-hash`.
    func hash(_ input: String, device path: String = "file") throws -> String {
        let reply = send("POST", "sys/audit-hash/\(path)", ["input": .string(input)])
        return try #require(reply.body?["data"]?["hash"]?.stringValue, "audit-hash: \(String(describing: reply.body))")
    }

    /// The raw text of a log.
    func text(_ file: String = "audit.log") -> String {
        (try? String(contentsOfFile: self.file(file), encoding: .utf8)) ?? ""
    }

    /// Every entry of a log, parsed.
    func entries(_ file: String = "audit.log") throws -> [JSON] {
        try text(file).split(separator: "\n").map { try JSON.parse(Array($0.utf8)) }
    }

    /// The entries of one type (`request` or `response`) for a request path.
    func entries(_ type: String, path: String, in file: String = "audit.log") throws -> [JSON] {
        try entries(file).filter { $0["type"]?.stringValue == type && $0["request"]?["path"]?.stringValue == path }
    }

    func removeDirectory() throws {
        try FileManager.default.removeItem(at: directory)
    }

    func recreateDirectory() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }
}
