import CofferBase
import CofferTestSupport
import Foundation
import Testing

/// A rekey on the primary cluster reaches its secondaries: the seal configuration and the root key
/// under the new unseal key are replicated entries.
@Suite(.serialized)
struct ReplicationRekeyTests {
    @Test func aSecondaryUnsealsWithThePrimarysNewShares() throws {
        let pair = try ReplicatedPair()
        let (primary, secondary) = (pair.primary, pair.secondary)
        try pair.activate()

        let refused = try secondary.client.put("sys/rekey/init", ["secret_shares": 2, "secret_threshold": 2])
        #expect(refused.status == 400, "a secondary must not rekey: \(refused.raw)")
        let started = try primary.client.put("sys/rekey/init", ["secret_shares": 2, "secret_threshold": 2])
        let nonce = try #require(started.json?["nonce"]?.stringValue, "rekey init: \(started.raw)")
        var newShares: [String] = []
        for share in pair.primaryShares.prefix(2) {
            let reply = try primary.client.put("sys/rekey/update", ["key": .string(share), "nonce": .string(nonce)])
            try #require(reply.status == 200, "rekey update: \(reply.raw)")
            newShares = reply.json?["keys"]?.stringArray ?? []
        }
        try #require(newShares.count == 2)
        let replicated = eventually { (try? secondary.client.get("sys/seal-status"))?.json?["n"] == 2 }
        #expect(replicated, "the new seal configuration did not reach the secondary")
        #expect(pair.waitUntilConverged())

        #expect(try secondary.client.put("sys/seal", [:]).status == 204)
        var unsealed = true
        for share in pair.primaryShares.prefix(2) {
            unsealed = try secondary.client.put("sys/unseal", ["key": .string(share)]).json?["sealed"] == false
        }
        #expect(!unsealed, "the primary's old shares still open the secondary")
        #expect(try secondary.client.put("sys/unseal", ["reset": true]).status == 200)
        try secondary.unseal(newShares)
        #expect(pair.waitUntilConverged())
    }
}
