import CofferBase
import CofferStorage
import Testing

@testable import CofferCore

struct CoreUserDataTests {
    /// An initialized, unsealed node and its root token.
    private func unsealedCore(_ storage: any Storage = InMemoryStorage()) throws -> (Core, String) {
        let core = try CoreLifecycleTests.makeCore(storage)
        let result = try core.initialize(SealConfiguration(secretShares: 1, secretThreshold: 1))
        _ = try core.unseal(share: Hex.encode(result.shares[0]), reset: false)
        return (core, result.rootToken)
    }

    @Test func aFreshlyInitializedNodeHoldsNoUserData() throws {
        let (core, _) = try unsealedCore()
        #expect(try core.holdsUserData() == false)
    }

    @Test func aMountMakesUserData() throws {
        let (core, root) = try unsealedCore()
        let reply = core.handle(VaultRequest(method: "POST", path: "sys/mounts/kv", body: ["type": "kv"], token: root))
        try #require(reply.status == 204)
        #expect(try core.holdsUserData())
    }

    @Test func aPolicyBesidesTheBuiltInOnesMakesUserData() throws {
        let (core, root) = try unsealedCore()
        let reply = core.handle(
            VaultRequest(
                method: "PUT", path: "sys/policies/acl/reader",
                body: ["policy": #"path "kv/*" { capabilities = ["read"] }"#], token: root))
        try #require(reply.status == 204, "\(reply)")
        #expect(try core.holdsUserData())
    }

    @Test func aDevNodeHoldsUserDataThroughItsSecretMount() throws {
        let core = try CoreLifecycleTests.makeCore()
        _ = try core.bootstrapDevelopment(rootTokenID: nil)
        #expect(try core.holdsUserData())
    }

    @Test func aSealedNodeCannotTell() throws {
        let (core, _) = try unsealedCore()
        core.seal()
        #expect(throws: CofferError.sealed) { try core.holdsUserData() }
    }

    @Test func keysStopMatchingWhenTheStoredKeyringIsAnotherNodes() throws {
        let storage = InMemoryStorage()
        let (core, _) = try unsealedCore(storage)
        #expect(try core.keysMatchStorage())
        let (other, _) = try unsealedCore()
        let foreign = try #require(try other.storage.get(SealPaths.keyring))
        try storage.commit([.put(key: SealPaths.keyring, value: foreign)])
        #expect(try core.keysMatchStorage() == false)
        core.seal()
        #expect(try core.keysMatchStorage() == false)
    }
}
