import CofferBase

/// JSON Web Tokens (RFC 7519) signed with ES512 only: ECDSA on P-521 with SHA-512.
public enum JWT {
    private static let header: JSON = ["alg": "ES512", "typ": "JWT"]

    /// ES512 only: header {"alg":"ES512","typ":"JWT"}; signature raw r||s base64url.
    ///
    /// Throws `invalidKey` unless `key` is on P-521.
    public static func sign(claims: [String: JSON], key: PrivateKey) throws(CryptoError) -> String {
        guard key.algorithm == .p521 else { throw CryptoError(.invalidKey, "ES512 needs a P-521 key") }
        let signingInput =
            Base64.encodeURL(header.serialized()) + "." + Base64.encodeURL(JSON.object(claims).serialized())
        let signature = try key.signature(for: signingInput.utf8)
        return signingInput + "." + Base64.encodeURL(signature)
    }

    /// Verifies signature with `key`, that alg is ES512, and the time claims against `now` (exp required and
    /// > now; nbf <= now if present; iat not in the future beyond `leeway` seconds). Returns the claims.
    ///
    /// Throws `tokenInvalid` for malformed tokens and headers other than ES512, `signatureInvalid` when the
    /// signature does not verify, `tokenExpired` past `exp`, and `tokenNotYetValid` before `nbf` or `iat`.
    /// Claims are read only after the signature has verified.
    public static func verify(
        _ token: String, key: PublicKey, now: Timestamp, leeway: Int64 = 60
    ) throws(CryptoError) -> [String: JSON] {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw CryptoError(.tokenInvalid, "a JWT has three dot-separated parts") }
        let header = try object(parts[0], "header")
        guard header["alg"] == "ES512" else { throw CryptoError(.tokenInvalid, "the JWT algorithm is not ES512") }
        guard header["crit"] == nil else {
            throw CryptoError(.tokenInvalid, "the JWT header names critical extensions")
        }
        guard key.algorithm == .p521 else { throw CryptoError(.invalidKey, "ES512 needs a P-521 key") }
        guard let signature = Base64.decodeURL(String(parts[2])) else {
            throw CryptoError(.tokenInvalid, "the JWT signature is not base64url")
        }
        let signingInput = token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count)
        guard key.isValidSignature(signature, for: signingInput) else {
            throw CryptoError(.signatureInvalid, "the JWT signature does not verify")
        }
        let claims = try object(parts[1], "payload")
        try checkTimes(claims, now: now.seconds, leeway: leeway)
        return claims
    }

    /// Looks like a JWT (three base64url parts separated by dots)?
    public static func isJWT(_ token: String) -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 3 && parts.allSatisfy { !$0.isEmpty && Base64.decodeURL(String($0)) != nil }
    }

    private static func object(_ part: Substring, _ name: String) throws(CryptoError) -> [String: JSON] {
        guard let bytes = Base64.decodeURL(String(part)) else {
            throw CryptoError(.tokenInvalid, "the JWT \(name) is not base64url")
        }
        guard let value = try? JSON.parse(bytes), let members = value.objectValue else {
            throw CryptoError(.tokenInvalid, "the JWT \(name) is not a JSON object")
        }
        return members
    }

    private static func checkTimes(_ claims: [String: JSON], now: Int64, leeway: Int64) throws(CryptoError) {
        guard let expiry = try numericDate(claims, "exp") else {
            throw CryptoError(.tokenInvalid, "the JWT has no exp claim")
        }
        guard expiry > now else { throw CryptoError(.tokenExpired, "the JWT has expired") }
        if let notBefore = try numericDate(claims, "nbf"), notBefore > now {
            throw CryptoError(.tokenNotYetValid, "the JWT is not valid before its nbf time")
        }
        if let issuedAt = try numericDate(claims, "iat"), issuedAt > now + leeway {
            throw CryptoError(.tokenNotYetValid, "the JWT was issued in the future")
        }
    }

    /// A NumericDate claim in whole seconds (fractions round down), `nil` when absent.
    private static func numericDate(_ claims: [String: JSON], _ name: String) throws(CryptoError) -> Int64? {
        switch claims[name] {
        case nil: return nil
        case .int(let seconds): return seconds
        case .double(let seconds) where seconds.isFinite && abs(seconds) < 9.0e15:
            return Int64(seconds.rounded(.down))
        default: throw CryptoError(.tokenInvalid, "the JWT \(name) claim is not a number")
        }
    }
}
