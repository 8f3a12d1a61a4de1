import CofferBase
import CofferCrypto
import Synchronization

/// The node's ES512 (P-521) key that signs JWT wrapping tokens, created on first use.
///
/// It lives in replicated barrier storage (DESIGN.md §3), so a secondary holds its primary's key;
/// the stored PEM is re-read on every use so a key that arrives by replication replaces the cached one.
final class WrappingKey: Sendable {
    /// The key's entry below the view (`sys/wrapping/jwt-key` in the barrier).
    static let storageKey = "jwt-key"

    private let view: StorageView
    /// Guards the parsed key and serializes its creation so two first uses cannot make two keys.
    private let cache = Mutex<(pem: [UInt8], key: PrivateKey)?>(nil)

    init(view: StorageView) {
        self.view = view
    }

    /// The signing key, created and stored when there is none yet.
    func signingKey() throws(CofferError) -> PrivateKey {
        try cache.withLock { cache throws(CofferError) -> PrivateKey in
            if let key = try Self.load(view, &cache) { return key }
            let key: PrivateKey
            do { key = try PrivateKey(generating: .p521) } catch { throw .internalError("could not generate a key") }
            let pem = Array(key.pem.utf8)
            try view.put(Self.storageKey, pem)
            cache = (pem, key)
            return key
        }
    }

    /// The verifying key, or `nil` when no JWT was ever issued here.
    func verifyingKey() throws(CofferError) -> PublicKey? {
        try cache.withLock { cache throws(CofferError) -> PublicKey? in try Self.load(view, &cache)?.publicKey }
    }

    private static func load(
        _ view: StorageView, _ cache: inout (pem: [UInt8], key: PrivateKey)?
    ) throws(CofferError) -> PrivateKey? {
        guard let pem = try view.get(storageKey) else { return nil }
        if let cached = cache, cached.pem == pem { return cached.key }
        let key: PrivateKey
        do {
            key = try PrivateKey(pem: String(decoding: pem, as: UTF8.self))
        } catch {
            throw .internalError("the stored wrapping key is unreadable")
        }
        cache = (pem, key)
        return key
    }

    /// A JWT over `claims` signed with the wrapping key.
    func sign(_ claims: [String: JSON]) throws(CofferError) -> String {
        let key = try signingKey()
        do { return try JWT.sign(claims: claims, key: key) } catch { throw .internalError("could not sign a JWT") }
    }

    /// The wrapping token inside a JWT this node signed; any failure is an invalid wrapping token.
    func wrappedToken(in jwt: String, now: Timestamp) throws(CofferError) -> String {
        guard let key = try verifyingKey() else { throw .invalidWrappingToken }
        let claims: [String: JSON]
        do { claims = try JWT.verify(jwt, key: key, now: now) } catch { throw .invalidWrappingToken }
        guard claims["type"] == "wrapping", let token = claims["jti"]?.stringValue, !token.isEmpty else {
            throw .invalidWrappingToken
        }
        return token
    }
}
