import CofferBase
import CofferCrypto
import CofferStorage
import Foundation
import Synchronization
import Testing

@testable import CofferCore

/// Response wrapping through the request pipeline: the wrap headers, `sys/wrapping/*` and the internal API.
struct WrappingTests {
    let core: Core
    let root = "root-token"

    init() throws {
        let logger = Logger(label: "test", level: .error, sink: MemoryLogSink())
        core = try Core(
            configuration: CoreConfiguration(storageType: "inmem", apiAddress: "https://node-a:8200"),
            storage: InMemoryStorage(), logger: logger)
        _ = try core.bootstrapDevelopment(rootTokenID: root)
        #expect(send("PUT", "secret/data/app", ["data": ["password": "s3cret"]]).status == 200)
    }

    private func send(
        _ method: String, _ path: String, _ body: JSON? = nil, token: String? = "root-token",
        wrapTTL: Int64? = nil, wrapFormat: String? = nil
    ) -> VaultResponse {
        var request = VaultRequest(method: method, path: path, body: body, token: token)
        request.wrapTTL = wrapTTL
        request.wrapFormat = wrapFormat
        return core.handle(request)
    }

    /// Reads the KV secret wrapped; returns the wrapping token.
    private func wrappedRead(ttl: Int64 = 60, format: String? = nil) throws -> String {
        let reply = send("GET", "secret/data/app", wrapTTL: ttl, wrapFormat: format)
        #expect(reply.status == 200)
        return try #require(reply.body?["wrap_info"]?["token"]?.stringValue)
    }

    /// The payload of a JWT, read without verification.
    private func claims(of jwt: String) throws -> [String: JSON] {
        let payload = try #require(Base64.decodeURL(String(jwt.split(separator: ".")[1])))
        return try #require(try JSON.parse(payload).objectValue)
    }

    private func unwrap(_ token: String) -> VaultResponse {
        send("POST", "sys/wrapping/unwrap", ["token": .string(token)])
    }

    @Test func wrapHeaderOnAKVReadReturnsWrapInfoAndUnwrapGivesTheOriginal() throws {
        let reply = send("GET", "secret/data/app", wrapTTL: 120)
        #expect(reply.status == 200)
        #expect(reply.body?["data"] == .null)
        let info = try #require(reply.body?["wrap_info"])
        #expect(info["ttl"] == 120 && info["creation_path"] == "secret/data/app")
        #expect(info["accessor"]?.stringValue?.count == 24 && info["wrapped_accessor"] == "")
        #expect(info["creation_time"]?.stringValue?.hasSuffix("Z") == true)
        let token = try #require(info["token"]?.stringValue)
        #expect(token.hasPrefix("hvs."))

        let unwrapped = unwrap(token)
        #expect(unwrapped.status == 200)
        #expect(unwrapped.body?["data"]?["data"]?["password"] == "s3cret")
        #expect(unwrapped.body?["data"]?["metadata"]?["version"] == 1)
        #expect(unwrapped.body?["wrap_info"] == .null)
    }

    @Test func aWrappingTokenIsSingleUse() throws {
        let token = try wrappedRead()
        #expect(unwrap(token).status == 200)
        let second = unwrap(token)
        #expect(second.status == 400)
        #expect(second.body?["errors"] == ["wrapping token is not valid or does not exist"])
    }

    @Test func theWrappingTokenAloneAuthenticatesItsUnwrap() throws {
        let token = try wrappedRead()
        let reply = send("POST", "sys/wrapping/unwrap", token: token)
        #expect(reply.status == 200)
        #expect(reply.body?["data"]?["data"]?["password"] == "s3cret")
        #expect(send("POST", "sys/wrapping/unwrap", token: token).status == 400)
        #expect(send("GET", "secret/data/app", token: try wrappedRead()).status == 403)
    }

    @Test func aBodyTokenNeedsACallerTokenAndNotBoth() throws {
        let token = try wrappedRead()
        #expect(send("POST", "sys/wrapping/unwrap", ["token": .string(token)], token: nil).status == 403)
        #expect(send("POST", "sys/wrapping/unwrap", ["token": .string(token)], token: token).status == 400)
        #expect(unwrap(token).status == 200)
    }

    @Test func lookupNeedsNoTokenAndDoesNotSpendIt() throws {
        let token = try wrappedRead(ttl: 300)
        let reply = send("POST", "sys/wrapping/lookup", ["token": .string(token)], token: nil)
        #expect(reply.status == 200)
        #expect(reply.body?["data"]?["creation_ttl"] == 300)
        #expect(reply.body?["data"]?["creation_path"] == "secret/data/app")
        #expect(reply.body?["data"]?["creation_time"]?.stringValue != nil)
        #expect(unwrap(token).status == 200)
        #expect(send("POST", "sys/wrapping/lookup", ["token": .string(token)], token: nil).status == 400)
    }

    @Test func rewrapInvalidatesTheOldToken() throws {
        let old = try wrappedRead(ttl: 90)
        let reply = send("POST", "sys/wrapping/rewrap", ["token": .string(old)])
        let info = try #require(reply.body?["wrap_info"])
        let fresh = try #require(info["token"]?.stringValue)
        #expect(fresh != old && info["ttl"] == 90 && info["creation_path"] == "secret/data/app")
        #expect(unwrap(old).status == 400)
        #expect(unwrap(fresh).body?["data"]?["data"]?["password"] == "s3cret")
    }

    @Test func wrapEndpointWrapsTheBodyAsDataWithADefaultTTL() throws {
        let reply = send("POST", "sys/wrapping/wrap", ["zip": "zap", "n": 3])
        let info = try #require(reply.body?["wrap_info"])
        #expect(info["ttl"] == 300 && info["creation_path"] == "sys/wrapping/wrap")
        let token = try #require(info["token"]?.stringValue)
        #expect(unwrap(token).body?["data"] == ["zip": "zap", "n": 3])

        let short = send("POST", "sys/wrapping/wrap", ["a": "b"], wrapTTL: 30, wrapFormat: "jwt")
        let shortToken = try #require(short.body?["wrap_info"]?["token"]?.stringValue)
        #expect(short.body?["wrap_info"]?["ttl"] == 30 && !JWT.isJWT(shortToken))
    }

    @Test func expiredWrappingTokenIsRefused() throws {
        let token = try wrappedRead(ttl: 60)
        let node = try core.unsealedNode()
        let view = StorageView(store: core.barrier, prefix: "local/wrapping/")
        let key = "id/" + node.wrapping.hash(token)
        let stored = try #require(try view.get(key))
        var entry = try #require(WrappedResponse.deserialize(stored))
        entry.creationTime = Clock.now().adding(seconds: -61)
        try view.put(key, entry.serialized())
        #expect(unwrap(token).status == 400)
        #expect(try view.get(key) == nil)
    }

    @Test func jwtFormatRoundTrips() throws {
        let token = try wrappedRead(ttl: 1800, format: "jwt")
        #expect(JWT.isJWT(token))
        let claims = try claims(of: token)
        #expect(claims["addr"] == "https://node-a:8200" && claims["type"] == "wrapping")
        #expect(claims["jti"]?.stringValue?.hasPrefix("hvs.") == true)
        let lookup = send("POST", "sys/wrapping/lookup", ["token": .string(token)], token: nil)
        #expect(lookup.body?["data"]?["creation_ttl"] == 1800)
        let reply = send("POST", "sys/wrapping/unwrap", token: token)
        #expect(reply.body?["data"]?["data"]?["password"] == "s3cret")
        #expect(unwrap(token).status == 400)
    }

    @Test func jwtSignedByAnotherKeyIsRefused() throws {
        let genuine = try wrappedRead(format: "jwt")
        let forged = try JWT.sign(claims: try claims(of: genuine), key: PrivateKey(generating: .p521))
        #expect(unwrap(forged).status == 400)
        #expect(send("POST", "sys/wrapping/unwrap", token: forged).status == 400)
        #expect(unwrap(genuine).status == 200)
    }

    @Test func tamperedJWTIsRefused() throws {
        let genuine = try wrappedRead(format: "jwt")
        let parts = genuine.split(separator: ".").map(String.init)
        var payload = try claims(of: genuine)
        payload["exp"] = .int(Clock.now().seconds + 86_400)
        let tampered = [parts[0], Base64.encodeURL(JSON.object(payload).serialized()), parts[2]].joined(separator: ".")
        #expect(unwrap(tampered).status == 400)
        #expect(unwrap(genuine).status == 200)
    }

    @Test func wrappingTokensNeverAppearInStorage() throws {
        let opaque = try wrappedRead()
        let jwt = try wrappedRead(format: "jwt")
        let inner = try #require(try claims(of: jwt)["jti"]?.stringValue)
        for key in try core.storage.keys(prefix: "") {
            let plain = String(decoding: (try? core.barrier.get(key)) ?? [], as: UTF8.self)
            for secret in [opaque, inner, jwt] {
                #expect(!key.contains(secret))
                #expect(!plain.contains(secret))
            }
        }
    }

    @Test func concurrentUnwrapsHaveExactlyOneWinner() throws {
        let token = try wrappedRead()
        let statuses = Mutex<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 6) { index in
            let reply =
                index.isMultiple(of: 2) ? unwrap(token) : send("POST", "sys/wrapping/unwrap", token: token)
            statuses.withLock { $0.append(reply.status) }
        }
        let all = statuses.withLock { $0 }
        #expect(all.filter { $0 == 200 }.count == 1)
        #expect(all.filter { $0 == 400 }.count == 5)
    }

    @Test func errorsAndEmptyResponsesAreNotWrapped() {
        let missing = send("GET", "secret/data/nothing-here", wrapTTL: 60)
        #expect(missing.status == 404 && missing.body?["wrap_info"] == nil)
        let deleted = send("DELETE", "secret/data/app", wrapTTL: 60)
        #expect(deleted.status == 204 && deleted.body == nil)
    }

    @Test func aWrappedTokenCreationNamesTheWrappedAccessor() throws {
        let reply = send("POST", "auth/token/create", ["policies": ["default"]], wrapTTL: 60)
        let info = try #require(reply.body?["wrap_info"])
        #expect(reply.body?["auth"] == .null)
        let token = try #require(info["token"]?.stringValue)
        let unwrapped = unwrap(token)
        let accessor = try #require(unwrapped.body?["auth"]?["accessor"]?.stringValue)
        #expect(info["wrapped_accessor"] == .string(accessor))
        let client = try #require(unwrapped.body?["auth"]?["client_token"]?.stringValue)
        #expect(send("GET", "auth/token/lookup-self", token: client).status == 200)
    }

    @Test func badWrapSettingsAreRefusedBeforeTheRequestRuns() throws {
        let reply = send("PUT", "secret/data/other", ["data": ["k": "v"]], wrapTTL: 60, wrapFormat: "pem")
        #expect(reply.status == 400)
        #expect(send("GET", "secret/data/other").status == 404)
        #expect(try VaultRequest.wrapTTL(header: "5m") == 300)
        #expect(try VaultRequest.wrapTTL(header: "90") == 90)
        #expect(try VaultRequest.wrapTTL(header: nil) == nil)
        #expect(throws: CofferError.self) { try VaultRequest.wrapTTL(header: "soon") }
        #expect(throws: CofferError.self) { try VaultRequest.wrapTTL(header: "-5") }
    }

    @Test func internalAPIWrapsAsJWTAndUnwrapsOnce() throws {
        let original: JSON = ["data": ["bundle": "opaque"]]
        let info = try core.wrapResponse(
            original, ttl: 1800, creationPath: "sys/replication/performance/primary/secondary-token", format: .jwt)
        let token = try #require(info["token"]?.stringValue)
        #expect(JWT.isJWT(token) && info["ttl"] == 1800)
        #expect(try core.unwrap(token: token) == original)
        #expect(throws: CofferError.invalidWrappingToken) { try core.unwrap(token: token) }
        let empty = try core.wrapResponse(.null, ttl: 60, creationPath: "x", format: .token)
        #expect(try core.unwrap(token: try #require(empty["token"]?.stringValue)) == nil)
    }
}
