import CofferBase
import CofferStorage
import Testing

@testable import CofferCore

struct SealConfigurationTests {
    @Test func keySetIDSurvivesTheStoredForm() throws {
        let configuration = try SealConfiguration(secretShares: 5, secretThreshold: 3).namingNewKeySet()
        let keySetID = try #require(configuration.keySetID)
        #expect(keySetID.count == 36)
        let read = try #require(SealConfiguration.deserialize(configuration.serialized()))
        #expect(read == configuration)
        #expect(read.keySetID == keySetID)
    }

    @Test func aStoredFormWithoutKeySetIDReadsAsNil() throws {
        let old = Array(#"{"type":"shamir","secret_shares":3,"secret_threshold":2}"#.utf8)
        let read = try #require(SealConfiguration.deserialize(old))
        #expect(read.secretShares == 3 && read.secretThreshold == 2)
        #expect(read.keySetID == nil)
        #expect(!String(decoding: read.serialized(), as: UTF8.self).contains("key_set_id"))
    }

    @Test func everyNewKeySetGetsItsOwnID() throws {
        let base = try SealConfiguration(secretShares: 1, secretThreshold: 1)
        #expect(base.namingNewKeySet().keySetID != base.namingNewKeySet().keySetID)
    }

    @Test func initStoresAFreshKeySetIDThatSealStatusReportsSealedAndUnsealed() throws {
        let core = try CoreLifecycleTests.makeCore()
        let other = try CoreLifecycleTests.makeCore()
        #expect(try core.sealStatus().keySetID == nil)
        let result = try core.initialize(SealConfiguration(secretShares: 1, secretThreshold: 1, keySetID: "chosen"))
        _ = try other.initialize(SealConfiguration(secretShares: 1, secretThreshold: 1))
        let sealed = try #require(try core.sealStatus().keySetID)
        #expect(sealed != "chosen")
        #expect(sealed != (try other.sealStatus().keySetID))
        _ = try core.unseal(share: Hex.encode(result.shares[0]), reset: false)
        #expect(try core.sealStatus().keySetID == sealed)
        #expect(try core.sealStatus().json()["key_set_id"] == nil)
    }
}
