import CofferBase
import CofferCrypto
import CofferStorage
import Foundation
import Synchronization
import Testing

@testable import CofferCore

/// The store on its own: single use, expiry against an injected clock, JWTs, rewrap and hashing.
struct WrappingStoreTests {
    let storage = InMemoryStorage()
    let now = TestClock(start: Timestamp(seconds: 1_700_000_000))
    let store: WrappingStore

    /// A settable clock for the store.
    final class TestClock: Sendable {
        private let time: Mutex<Timestamp>

        init(start: Timestamp) { time = Mutex(start) }

        /// The time the store sees.
        var current: Timestamp { time.withLock { $0 } }

        /// Moves the clock forward.
        func advance(_ seconds: Int64) { time.withLock { $0 = $0.adding(seconds: seconds) } }
    }

    init() throws {
        let entries = PlainEntryStore(storage)
        let clock = now
        store = try WrappingStore(
            view: StorageView(store: entries, prefix: "local/wrapping/"),
            keyView: StorageView(store: entries, prefix: "sys/wrapping/"), clock: { clock.current })
    }

    private func wrap(
        _ text: String = "{\"data\":{\"k\":\"v\"}}", ttl: Int64 = 60, format: WrapFormat = .token
    )
        throws -> WrapInfo
    {
        try store.wrap(
            body: Array(text.utf8), ttl: ttl, creationPath: "secret/data/app", format: format,
            address: "https://node-a:8200")
    }

    @Test func unwrapReturnsTheBodyOnceAndThenRefuses() throws {
        let info = try wrap()
        #expect(info.token.hasPrefix("hvs.") && info.token.count == 28)
        #expect(info.ttl == 60 && info.creationPath == "secret/data/app" && info.accessor.count == 24)
        #expect(try store.unwrap(info.token).body == Array("{\"data\":{\"k\":\"v\"}}".utf8))
        #expect(throws: CofferError.invalidWrappingToken) { try store.unwrap(info.token) }
    }

    @Test func lookupDoesNotSpendTheToken() throws {
        let info = try wrap()
        let entry = try store.lookup(info.token)
        #expect(entry.lookupData["creation_ttl"] == 60)
        #expect(entry.lookupData["creation_path"] == "secret/data/app")
        #expect(try store.unwrap(info.token).creationPath == "secret/data/app")
    }

    @Test func expiredTokenIsInvalidAndItsEntryDeleted() throws {
        let info = try wrap(ttl: 30)
        now.advance(30)
        #expect(throws: CofferError.invalidWrappingToken) { try store.lookup(info.token) }
        #expect(try !store.contains(info.token))
    }

    @Test func removeExpiredDropsOnlyExpiredEntries() throws {
        let short = try wrap(ttl: 10)
        let long = try wrap(ttl: 100)
        now.advance(50)
        #expect(try store.removeExpired() == 1)
        #expect(try !store.contains(short.token))
        #expect(try store.contains(long.token))
    }

    @Test func rewrapKeepsTTLAndPathAndKillsTheOldToken() throws {
        let first = try wrap(ttl: 120)
        now.advance(100)
        let second = try store.rewrap(first.token)
        #expect(second.token != first.token && second.accessor != first.accessor)
        #expect(second.ttl == 120 && second.creationPath == "secret/data/app")
        #expect(throws: CofferError.invalidWrappingToken) { try store.unwrap(first.token) }
        now.advance(100)
        #expect(try store.unwrap(second.token).body.isEmpty == false)
    }

    @Test func jwtTokenCarriesVaultsClaimsAndUnwraps() throws {
        let info = try wrap(ttl: 1800, format: .jwt)
        #expect(JWT.isJWT(info.token))
        let key = try #require(try store.key.verifyingKey())
        let claims = try JWT.verify(info.token, key: key, now: now.current)
        let issued = now.current.seconds
        #expect(claims["addr"] == "https://node-a:8200" && claims["type"] == "wrapping")
        #expect(claims["iat"] == .int(issued) && claims["exp"] == .int(issued + 1800))
        #expect(claims["nbf"] == .int(issued - 5) && claims["accessor"] == "")
        let opaque = try #require(claims["jti"]?.stringValue)
        #expect(try store.contains(opaque))
        #expect(try store.unwrap(info.token).ttl == 1800)
        #expect(throws: CofferError.invalidWrappingToken) { try store.unwrap(opaque) }
    }

    @Test func expiredJWTIsRefused() throws {
        let info = try wrap(ttl: 30, format: .jwt)
        now.advance(31)
        #expect(throws: CofferError.invalidWrappingToken) { try store.unwrap(info.token) }
    }

    @Test func jwtSignedByAnotherKeyIsRefusedAndTheTokenSurvives() throws {
        let genuine = try wrap(format: .jwt)
        let opaque = try #require(jti(of: genuine.token))
        let forger = try PrivateKey(generating: .p521)
        let issued = now.current.seconds
        let forged = try JWT.sign(
            claims: ["jti": .string(opaque), "type": "wrapping", "iat": .int(issued), "exp": .int(issued + 60)],
            key: forger)
        #expect(throws: CofferError.invalidWrappingToken) { try store.unwrap(forged) }
        #expect(try store.contains(opaque))
    }

    @Test func jwtWithAnotherTypeIsRefused() throws {
        let info = try wrap()
        let issued = now.current.seconds
        let claims: [String: JSON] = [
            "jti": .string(info.token), "type": "activation", "iat": .int(issued), "exp": .int(issued + 60),
        ]
        let signed = try store.key.sign(claims)
        #expect(throws: CofferError.invalidWrappingToken) { try store.unwrap(signed) }
    }

    @Test func theSigningKeyIsCreatedOnceAndStoredAsReplicatedData() throws {
        #expect(try store.key.verifyingKey() == nil)
        let first = try store.key.signingKey()
        #expect(try store.key.signingKey() === first)
        let stored = try #require(try storage.get("sys/wrapping/jwt-key"))
        #expect(DataClass.of("sys/wrapping/jwt-key") == .replicated)
        #expect(try PrivateKey(pem: String(decoding: stored, as: UTF8.self)).publicKey.pem == first.publicKey.pem)
    }

    @Test func tokensAreStoredOnlyAsSaltedHashes() throws {
        let info = try wrap()
        let keys = try storage.keys(prefix: "")
        #expect(keys.contains("local/wrapping/id/" + store.hash(info.token)))
        for key in keys {
            #expect(!key.contains(info.token))
            let value = try storage.get(key) ?? []
            #expect(!String(decoding: value, as: UTF8.self).contains(info.token))
        }
    }

    @Test func concurrentUnwrapsHaveExactlyOneWinner() throws {
        for _ in 0..<5 {
            let info = try wrap()
            let wins = Mutex(0)
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                if (try? store.unwrap(info.token)) != nil { wins.withLock { $0 += 1 } }
            }
            #expect(wins.withLock { $0 } == 1)
        }
    }

    @Test func storedEntryRoundTrips() throws {
        let entry = WrappedResponse(
            body: [0, 1, 2], creationTime: Timestamp(seconds: 10, nanoseconds: 5), ttl: 7, creationPath: "p",
            accessor: "a", wrappedAccessor: "w")
        #expect(WrappedResponse.deserialize(entry.serialized()) == entry)
        #expect(WrappedResponse.deserialize(Array("{}".utf8)) == nil)
    }

    private func jti(of token: String) -> String? {
        let payload = token.split(separator: ".")[1]
        guard let bytes = Base64.decodeURL(String(payload)) else { return nil }
        return (try? JSON.parse(bytes))?["jti"]?.stringValue
    }
}
