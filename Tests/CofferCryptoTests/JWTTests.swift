import CofferBase
import CofferCrypto
import Testing

struct JWTTests {
    static let key = Result { try PrivateKey(generating: .p521) }
    let now = Timestamp(seconds: 1_800_000_000)

    private func signingKey() throws -> PrivateKey { try Self.key.get() }

    private func claims(issuedAt: Int64? = nil, notBefore: Int64? = nil, expires: Int64? = 300) -> [String: JSON] {
        var claims: [String: JSON] = ["addr": "https://primary:8200", "jti": "abc", "type": "wrapping"]
        if let issuedAt { claims["iat"] = .int(now.seconds + issuedAt) }
        if let notBefore { claims["nbf"] = .int(now.seconds + notBefore) }
        if let expires { claims["exp"] = .int(now.seconds + expires) }
        return claims
    }

    private func segments(_ token: String) -> [String] {
        token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    /// The code of the `CryptoError` that `body` throws, or `nil` when it succeeds or throws something else.
    private func code(_ body: () throws -> Void) -> CryptoError.Code? {
        do {
            try body()
            return nil
        } catch {
            return (error as? CryptoError)?.code
        }
    }

    @Test func signThenVerifyReturnsTheClaims() throws {
        let key = try signingKey()
        let sent = claims(issuedAt: 0, notBefore: 0)
        let token = try JWT.sign(claims: sent, key: key)
        #expect(try JWT.verify(token, key: key.publicKey, now: now) == sent)
        #expect(JWT.isJWT(token))
    }

    @Test func headerIsES512AndSignatureIsRaw132Bytes() throws {
        let token = try JWT.sign(claims: claims(), key: signingKey())
        let parts = segments(token)
        let header = try #require(Base64.decodeURL(parts[0]))
        #expect(String(decoding: header, as: UTF8.self) == #"{"alg":"ES512","typ":"JWT"}"#)
        #expect(Base64.decodeURL(parts[2])?.count == 132)
    }

    @Test func tamperedPayloadIsRejected() throws {
        let key = try signingKey()
        var parts = segments(try JWT.sign(claims: claims(), key: key))
        var forged = claims()
        forged["type"] = "root"
        parts[1] = Base64.encodeURL(JSON.object(forged).serialized())
        #expect(
            code { try _ = JWT.verify(parts.joined(separator: "."), key: key.publicKey, now: now) } == .signatureInvalid
        )
    }

    @Test func tamperedSignatureIsRejected() throws {
        let key = try signingKey()
        var parts = segments(try JWT.sign(claims: claims(), key: key))
        var signature = try #require(Base64.decodeURL(parts[2]))
        signature[100] ^= 0x01
        parts[2] = Base64.encodeURL(signature)
        #expect(
            code { try _ = JWT.verify(parts.joined(separator: "."), key: key.publicKey, now: now) } == .signatureInvalid
        )
    }

    @Test func wrongKeyIsRejected() throws {
        let token = try JWT.sign(claims: claims(), key: signingKey())
        let other = try PrivateKey(generating: .p521)
        #expect(code { try _ = JWT.verify(token, key: other.publicKey, now: now) } == .signatureInvalid)
    }

    @Test(arguments: [
        #"{"alg":"none","typ":"JWT"}"#, #"{"alg":"HS256","typ":"JWT"}"#, #"{"alg":"ES256","typ":"JWT"}"#,
        #"{"typ":"JWT"}"#, #"{"alg":"ES512","crit":["exp"]}"#, #"["ES512"]"#,
    ])
    func headersOtherThanES512AreRejected(header: String) throws {
        let key = try signingKey()
        var parts = segments(try JWT.sign(claims: claims(), key: key))
        parts[0] = Base64.encodeURL(Array(header.utf8))
        // Re-sign so only the header can be at fault.
        let input = parts[0] + "." + parts[1]
        parts[2] = Base64.encodeURL(try key.signature(for: input.utf8))
        #expect(
            code { try _ = JWT.verify(parts.joined(separator: "."), key: key.publicKey, now: now) } == .tokenInvalid)
    }

    @Test func unsignedTokenIsRejected() throws {
        let key = try signingKey()
        let header = Base64.encodeURL(Array(#"{"alg":"none"}"#.utf8))
        let payload = Base64.encodeURL(JSON.object(claims()).serialized())
        #expect(
            code { try _ = JWT.verify(header + "." + payload + ".", key: key.publicKey, now: now) } == .tokenInvalid)
    }

    @Test(arguments: [0, -1, -3600])
    func expiredTokenIsRejected(expires: Int64) throws {
        let key = try signingKey()
        let token = try JWT.sign(claims: claims(expires: expires), key: key)
        #expect(code { try _ = JWT.verify(token, key: key.publicKey, now: now) } == .tokenExpired)
    }

    @Test func tokenWithoutExpiryIsRejected() throws {
        let key = try signingKey()
        let token = try JWT.sign(claims: claims(expires: nil), key: key)
        #expect(code { try _ = JWT.verify(token, key: key.publicKey, now: now) } == .tokenInvalid)
    }

    @Test func tokenBeforeNotBeforeIsRejected() throws {
        let key = try signingKey()
        let token = try JWT.sign(claims: claims(notBefore: 30), key: key)
        #expect(code { try _ = JWT.verify(token, key: key.publicKey, now: now) } == .tokenNotYetValid)
        #expect(try JWT.verify(token, key: key.publicKey, now: now.adding(seconds: 30))["jti"] == "abc")
    }

    @Test func issuedAtInTheFutureIsAllowedOnlyWithinLeeway() throws {
        let key = try signingKey()
        let slightlyAhead = try JWT.sign(claims: claims(issuedAt: 30), key: key)
        #expect(try JWT.verify(slightlyAhead, key: key.publicKey, now: now, leeway: 60)["type"] == "wrapping")
        #expect(
            code { try _ = JWT.verify(slightlyAhead, key: key.publicKey, now: now, leeway: 10) } == .tokenNotYetValid)
    }

    @Test func signingRequiresAP521Key() throws {
        let key = try PrivateKey(generating: .p256)
        #expect(code { try _ = JWT.sign(claims: claims(), key: key) } == .invalidKey)
    }

    @Test(arguments: ["YQ.Yg.Yw", "eyJh.eyJi.c2ln"])
    func threeBase64URLPartsLookLikeAJWT(token: String) {
        #expect(JWT.isJWT(token))
    }

    @Test(arguments: ["", "hvs.CAESIabc", "a.b", "a.b.c.d", "a..c", "a.b.", "a+b.c.d", "a.b.c="])
    func otherStringsDoNotLookLikeAJWT(token: String) {
        #expect(!JWT.isJWT(token))
    }

    @Test(arguments: ["", "one.two", "!!!.e30.AA", "e30.!!!.AA"])
    func malformedTokensAreRejected(token: String) throws {
        let key = try signingKey()
        #expect(code { try _ = JWT.verify(token, key: key.publicKey, now: now) } == .tokenInvalid)
    }
}
