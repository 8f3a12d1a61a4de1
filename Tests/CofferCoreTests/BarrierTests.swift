import CofferStorage
import Testing

@testable import CofferCore

struct BarrierTests {
    private func unsealedBarrier() throws -> (Barrier, InMemoryStorage) {
        let storage = InMemoryStorage()
        let barrier = Barrier(storage: storage)
        barrier.unseal(with: try Keyring.generate())
        return (barrier, storage)
    }

    @Test func entriesAreEncryptedAtRestAndReadBack() throws {
        let (barrier, storage) = try unsealedBarrier()
        try barrier.commit([.put(key: "logical/x/secret", value: Array("plain-value".utf8))])
        let physical = try #require(try storage.get("logical/x/secret"))
        #expect(!String(decoding: physical, as: UTF8.self).contains("plain-value"))
        #expect(try barrier.get("logical/x/secret") == Array("plain-value".utf8))
    }

    @Test func flippedBitIsRefused() throws {
        let (barrier, storage) = try unsealedBarrier()
        try barrier.commit([.put(key: "a", value: [1, 2, 3])])
        var physical = try #require(try storage.get("a"))
        physical[physical.count - 3] ^= 0x01
        try storage.put("a", physical)
        #expect(throws: CofferError.self) { try barrier.get("a") }
    }

    @Test func entryMovedToAnotherPathIsRefused() throws {
        let (barrier, storage) = try unsealedBarrier()
        try barrier.commit([.put(key: "sys/policy/admin", value: Array("admin".utf8))])
        try storage.put("sys/policy/default", try #require(try storage.get("sys/policy/admin")))
        #expect(throws: CofferError.self) { try barrier.get("sys/policy/default") }
    }

    @Test func staleOrForgedKeyringTermIsRefused() throws {
        let (barrier, storage) = try unsealedBarrier()
        try barrier.commit([.put(key: "a", value: [9])])
        var physical = try #require(try storage.get("a"))
        physical[4] = 7
        try storage.put("a", physical)
        #expect(throws: CofferError.self) { try barrier.get("a") }
    }

    @Test func rotationAddsATermAndOldEntriesStayReadable() throws {
        let (barrier, storage) = try unsealedBarrier()
        try barrier.commit([.put(key: "old", value: [1])])
        let rotated = try #require(barrier.currentKeyring).rotated()
        barrier.unseal(with: rotated)
        try barrier.commit([.put(key: "new", value: [2])])
        #expect(rotated.activeTerm == 2)
        #expect(try storage.get("new")?[4] == 2)
        #expect(try storage.get("old")?[4] == 1)
        #expect(try barrier.get("old") == [1])
        #expect(try barrier.get("new") == [2])
    }

    @Test func sealedBarrierRefusesEveryCall() throws {
        let (barrier, _) = try unsealedBarrier()
        try barrier.commit([.put(key: "a", value: [1])])
        barrier.seal()
        #expect(barrier.isSealed)
        #expect(throws: CofferError.sealed) { try barrier.get("a") }
        #expect(throws: CofferError.sealed) { try barrier.commit([.put(key: "b", value: [1])]) }
    }

    @Test func reservedSealPathsCannotBeWrittenThroughTheBarrier() throws {
        let (barrier, _) = try unsealedBarrier()
        #expect(throws: CofferError.self) { try barrier.commit([.put(key: "core/keyring", value: [1])]) }
    }
}
