import CofferBase
import CofferStorage
import Testing

@testable import CofferCore

struct CoreLifecycleTests {
    static func makeCore(_ storage: any Storage = InMemoryStorage()) throws -> Core {
        let logger = Logger(label: "test", level: .error, sink: MemoryLogSink())
        return try Core(configuration: CoreConfiguration(storageType: "inmem"), storage: storage, logger: logger)
    }

    @Test func initLeavesTheNodeSealedAndThresholdSharesUnseal() throws {
        let core = try Self.makeCore()
        #expect(!core.isInitialized)
        let result = try core.initialize(SealConfiguration(secretShares: 5, secretThreshold: 3))
        #expect(result.shares.count == 5)
        #expect(core.isInitialized && core.isSealed)
        var status = try core.unseal(share: Hex.encode(result.shares[4]), reset: false)
        #expect(status.progress == 1 && status.sealed)
        status = try core.unseal(share: Base64.encode(result.shares[1]), reset: false)
        #expect(status.progress == 2)
        status = try core.unseal(share: Hex.encode(result.shares[2]), reset: false)
        #expect(!status.sealed && status.progress == 0)
    }

    @Test func secondInitIsRefused() throws {
        let core = try Self.makeCore()
        _ = try core.initialize(SealConfiguration(secretShares: 1, secretThreshold: 1))
        #expect(throws: CofferError.self) {
            try core.initialize(SealConfiguration(secretShares: 1, secretThreshold: 1))
        }
    }

    @Test func duplicateAndMalformedSharesKeepProgress() throws {
        let core = try Self.makeCore()
        let result = try core.initialize(SealConfiguration(secretShares: 3, secretThreshold: 3))
        _ = try core.unseal(share: Hex.encode(result.shares[0]), reset: false)
        #expect(throws: CofferError.self) { try core.unseal(share: Hex.encode(result.shares[0]), reset: false) }
        #expect(throws: CofferError.self) { try core.unseal(share: "zz", reset: false) }
        #expect(try core.sealStatus().progress == 1)
        _ = try core.unseal(share: nil, reset: true)
        #expect(try core.sealStatus().progress == 0)
    }

    @Test func sharesOfAnotherNodeDoNotUnsealAndAreNotCounted() throws {
        let core = try Self.makeCore()
        let other = try Self.makeCore()
        let mine = try core.initialize(SealConfiguration(secretShares: 3, secretThreshold: 2))
        let theirs = try other.initialize(SealConfiguration(secretShares: 3, secretThreshold: 2))
        _ = try core.unseal(share: Hex.encode(mine.shares[0]), reset: false)
        #expect(throws: CofferError.self) { try core.unseal(share: Hex.encode(theirs.shares[1]), reset: false) }
        #expect(try core.sealStatus().progress == 1)
        #expect(try core.unseal(share: Hex.encode(mine.shares[1]), reset: false).sealed == false)
    }

    @Test func sealDropsTheKeysAndRestartNeedsUnsealAgain() throws {
        let storage = InMemoryStorage()
        let core = try Self.makeCore(storage)
        let credentials = try core.bootstrapDevelopment(rootTokenID: "root-id")
        core.seal()
        #expect(core.barrier.currentKeyring == nil)
        let reply = core.handle(VaultRequest(method: "GET", path: "secret/data/x", token: "root-id"))
        #expect(reply.status == 503)

        let reopened = try Self.makeCore(storage)
        #expect(reopened.isSealed && reopened.isInitialized)
        _ = try reopened.unseal(share: Base64.encode(credentials.unsealKey), reset: false)
        let mounts = reopened.handle(VaultRequest(method: "GET", path: "sys/mounts", token: "root-id"))
        #expect(mounts.body?["data"]?["secret/"]?["options"]?["version"] == "2")
    }
}
