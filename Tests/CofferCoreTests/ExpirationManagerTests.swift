import CofferBase
import CofferStorage
import CofferTestSupport
import Testing

@testable import CofferCore

/// The expiration manager: expired tokens go away on their own, with their children, on the node
/// that serves, and also when they expired while no node was up.
struct ExpirationManagerTests {
    let storage = InMemoryStorage()
    let core: Core
    let unsealKey: [UInt8]
    let root = "root-token"

    init() throws {
        core = try CoreLifecycleTests.makeCore(storage)
        unsealKey = try core.bootstrapDevelopment(rootTokenID: root).unsealKey
    }

    @discardableResult
    private func send(_ method: String, _ path: String, _ body: JSON? = nil, token: String? = nil) -> VaultResponse {
        core.handle(VaultRequest(method: method, path: path, body: body, token: token ?? root))
    }

    private func createToken(_ body: JSON, path: String = "auth/token/create", token: String? = nil) throws -> String {
        let reply = send("POST", path, body, token: token)
        return try #require(reply.body?["auth"]?["client_token"]?.stringValue, "\(String(describing: reply.body))")
    }

    private func hash(_ token: String) throws -> String {
        try core.unsealedNode().tokens.hash(token)
    }

    /// Whether a token's entry is in storage, read below the barrier so that nothing revokes it on the way.
    private func isStored(_ tokenHash: String) throws -> Bool {
        try storage.get("local/token/id/" + tokenHash) != nil
    }

    /// Moves a token's stored expiry into the past behind the index's back, as if the time had
    /// passed while no node was up.
    private func backdate(_ tokenHash: String) throws {
        let view = StorageView(store: core.barrier, prefix: "local/token/")
        var entry = try #require(try view.get("id/" + tokenHash).flatMap(TokenEntry.deserialize))
        entry.expireTime = Clock.now().seconds - 10
        try view.put("id/" + tokenHash, entry.serialized())
    }

    @Test func anExpiredTokenIsRevokedWithoutAnyoneUsingIt() throws {
        let token = try createToken(["ttl": "1s"])
        let tokenHash = try hash(token)
        let rootHash = try hash(root)
        #expect(try isStored(tokenHash))
        #expect(try eventually { try !isStored(tokenHash) }, "the expired token stayed in storage")
        #expect(try isStored(rootHash), "a token without a TTL never expires")
    }

    @Test func aParentsExpiryRevokesItsChildrenButNotItsOrphans() throws {
        let parent = try createToken(["ttl": "2s", "policies": ["root"]])
        let child = try createToken(["ttl": "1h"], token: parent)
        let orphan = try createToken(["ttl": "1h"], path: "auth/token/create-orphan", token: parent)
        // A renewal lets the child outlive its parent's expiry; the tree still goes with the parent.
        let renewed = send("POST", "auth/token/renew", ["token": .string(child), "increment": "1h"])
        #expect(renewed.body?["auth"]?["lease_duration"]?.intValue ?? 0 > 3000)
        let hashes = try [parent, child, orphan].map(hash)
        #expect(try eventually { try !isStored(hashes[0]) && !isStored(hashes[1]) }, "the tree outlived its root")
        #expect(try isStored(hashes[2]), "an orphan does not belong to the tree")
    }

    @Test func oneRoundRevokesAtMostItsLimit() throws {
        let tokens = try core.unsealedNode().tokens
        let hashes = try (0..<5).map { _ in try hash(createToken(["ttl": "1h"])) }
        let later = Clock.now().seconds + 7200
        #expect(try tokens.revokeExpired(now: later, limit: 2) == (2, true))
        #expect(try tokens.revokeExpired(now: later, limit: 2) == (2, true))
        #expect(try tokens.revokeExpired(now: later, limit: 2) == (1, false))
        #expect(try hashes.allSatisfy { try !isStored($0) })
        #expect(try isStored(hash(root)))
    }

    @Test func aRenewalPostponesRevocation() throws {
        let tokens = try core.unsealedNode().tokens
        let token = try createToken(["ttl": "1h"])
        #expect(send("POST", "auth/token/renew", ["token": .string(token), "increment": "3h"]).status == 200)
        let now = Clock.now().seconds
        #expect(try tokens.revokeExpired(now: now + 7200, limit: 10).revoked == 0)
        #expect(try isStored(hash(token)))
        #expect(try tokens.revokeExpired(now: now + 4 * 3600, limit: 10).revoked == 1)
        #expect(try !isStored(hash(token)))
    }

    @Test func aTokenThatExpiredWhileTheNodeWasDownIsRevokedRightAfterUnseal() throws {
        // The running node's index is read in first, so only a restore can see the change below.
        try core.unsealedNode().tokens.restoreLeases()
        let tokenHash = try hash(createToken(["ttl": "1h"]))
        let rootHash = try hash(root)
        try backdate(tokenHash)
        core.seal()
        #expect(try isStored(tokenHash), "the first node believed the token had an hour left")

        let reopened = try CoreLifecycleTests.makeCore(storage)
        _ = try reopened.unseal(share: Hex.encode(unsealKey), reset: false)
        #expect(try eventually { try !isStored(tokenHash) }, "the restored index did not revoke the token")
        #expect(try isStored(rootHash))
    }

    @Test func aStandbyLeavesExpiredTokensToTheActiveNode() throws {
        try core.unsealedNode().tokens.restoreLeases()
        let tokenHash = try hash(createToken(["ttl": "1h"]))
        try backdate(tokenHash)
        core.enableHA(StandbyStub())
        try core.reloadFromStorage()
        #expect(core.isStandby)

        #expect(core.expiration.round(core) == false)
        #expect(try isStored(tokenHash))
        #expect(try core.unsealedNode().tokens.leaseIndex.withLock { !$0.isRestored }, "a standby keeps no index")

        try core.setActive(true, leader: nil)
        #expect(try eventually { try !isStored(tokenHash) }, "the new active node did not revoke the token")
    }
}

/// An HA layer that never forwards: enough to make a core a standby.
private final class StandbyStub: HAExtension {
    func forwardToActive(_ request: VaultRequest) -> VaultResponse? { nil }
    func stepDown() {}
    func storageWasReplaced() {}
}
