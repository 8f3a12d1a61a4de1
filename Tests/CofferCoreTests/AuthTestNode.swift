import CofferBase
import CofferStorage
import Testing

@testable import CofferCore

/// A dev core over in-memory storage with trace logging kept in memory, for the auth method tests.
struct AuthTestNode {
    let core: Core
    let logs = MemoryLogSink()
    let root = "root-token"
    /// The dev node's single unseal key share.
    let unsealKey: [UInt8]

    init() throws {
        let logger = Logger(label: "test", level: .trace, sink: logs)
        core = try Core(
            configuration: CoreConfiguration(storageType: "inmem"), storage: InMemoryStorage(), logger: logger)
        unsealKey = try core.bootstrapDevelopment(rootTokenID: root).unsealKey
    }

    /// A request with the root token, or with `token`.
    @discardableResult
    func send(_ method: String, _ path: String, _ body: JSON? = nil, token: String? = nil) -> VaultResponse {
        core.handle(VaultRequest(method: method, path: path, body: body, token: token ?? root))
    }

    /// A request with no token at all, from `remoteAddress` when given.
    func anonymous(_ method: String, _ path: String, _ body: JSON?, from remoteAddress: String? = nil) -> VaultResponse
    {
        var request = VaultRequest(method: method, path: path, body: body)
        request.remoteAddress = remoteAddress
        return core.handle(request)
    }

    /// Enables an auth method and fails the test unless that worked.
    func enable(_ type: String, at path: String? = nil, local: Bool = false) throws {
        let reply = send("POST", "sys/auth/\(path ?? type)", ["type": .string(type), "local": .bool(local)])
        try #require(reply.status == 204, "enable \(type): \(String(describing: reply.body))")
    }

    /// The auth table entry at `path` (with its trailing slash).
    func authMount(_ path: String) throws -> MountEntry {
        try #require(try core.unsealedNode().authMounts.table.entries[path])
    }

    /// Every plaintext entry in storage, key and text, to check that secrets are not kept.
    func plaintextEntries() throws -> [(String, String)] {
        try core.storage.keys(prefix: "").compactMap { key in
            guard !key.hasPrefix("core/"), let plain = try? core.barrier.get(key) else { return nil }
            return (key, String(decoding: plain, as: UTF8.self))
        }
    }

    /// The error messages of a response.
    static func errors(_ response: VaultResponse) -> [String] {
        response.body?["errors"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}
