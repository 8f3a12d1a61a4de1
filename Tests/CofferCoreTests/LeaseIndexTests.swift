import Testing

@testable import CofferCore

/// The in-memory index of token leases: expiry order, renewals, removal and prefix views.
struct LeaseIndexTests {
    private static func hash(_ digit: Character) -> String { String(repeating: digit, count: 64) }

    @Test func dueLeasesComeOutEarliestFirstAndOnlyOnce() {
        var index = LeaseIndex()
        index.record(hash: Self.hash("3"), path: "auth/token/create", expireTime: 30)
        index.record(hash: Self.hash("1"), path: "auth/token/create", expireTime: 10)
        index.record(hash: Self.hash("2"), path: "auth/token/create", expireTime: 20)
        let due = index.takeDue(at: 25, limit: 10)
        #expect(due.map(\.hash) == [Self.hash("1"), Self.hash("2")])
        #expect(index.takeDue(at: 25, limit: 10).isEmpty)
        #expect(index.count == 1)
    }

    @Test func theLimitBoundsOneRound() {
        var index = LeaseIndex()
        for digit in "123456" { index.record(hash: Self.hash(digit), path: "p", expireTime: 5) }
        #expect(index.takeDue(at: 5, limit: 4).count == 4)
        #expect(index.takeDue(at: 5, limit: 4).count == 2)
    }

    @Test func aRenewalMovesTheExpiryAndTheOldOneIsIgnored() {
        var index = LeaseIndex()
        index.record(hash: Self.hash("a"), path: "p", expireTime: 10)
        index.record(hash: Self.hash("a"), path: "p", expireTime: 100)
        #expect(index.takeDue(at: 50, limit: 10).isEmpty)
        #expect(index.takeDue(at: 100, limit: 10).map(\.lease.expireTime) == [100])
    }

    @Test func aRemovedLeaseNeverComesDue() {
        var index = LeaseIndex()
        index.record(hash: Self.hash("a"), path: "p", expireTime: 10)
        index.remove(Self.hash("a"))
        #expect(index.takeDue(at: 1_000, limit: 10).isEmpty)
    }

    @Test func childrenListOneLevelLikeAStorageListing() {
        var index = LeaseIndex()
        index.record(hash: Self.hash("a"), path: "auth/token/create", expireTime: 10)
        index.record(hash: Self.hash("b"), path: "auth/token/create", expireTime: 10)
        index.record(hash: Self.hash("c"), path: "auth/userpass/login/alice", expireTime: 10)
        #expect(index.children(of: "") == ["auth/"])
        #expect(index.children(of: "auth/") == ["token/", "userpass/"])
        #expect(index.children(of: "auth/token/create/") == [Self.hash("a"), Self.hash("b")])
        #expect(Set(index.hashes(leaseIDPrefix: "auth/userpass/login/")) == [Self.hash("c")])
        #expect(index.hashes(leaseIDPrefix: "auth/token/create-orphan/").isEmpty)
    }

    @Test func leaseIDsNameAPathAndAHash() throws {
        let leaseID = LeaseIndex.leaseID(path: "auth/userpass/login/alice", hash: Self.hash("f"))
        let parsed = try #require(LeaseIndex.parse(leaseID: leaseID))
        #expect(parsed.path == "auth/userpass/login/alice" && parsed.hash == Self.hash("f"))
        #expect(LeaseIndex.parse(leaseID: "auth/token/create/xyz") == nil)
        #expect(LeaseIndex.parse(leaseID: "auth/token/create/" + String(repeating: "F", count: 64)) == nil)
        #expect(LeaseIndex.parse(leaseID: Self.hash("a")) == nil)
    }
}
