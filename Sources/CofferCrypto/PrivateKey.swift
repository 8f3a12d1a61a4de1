/// An ECDSA private key on P-256, P-384 or P-521.
public final class PrivateKey: Sendable {
    /// The underlying `EVP_PKEY`.
    let key: EVPKey
    /// The curve.
    public let algorithm: KeyAlgorithm
    /// The matching public key.
    public let publicKey: PublicKey

    private init(key: EVPKey) throws(CryptoError) {
        guard let group = key.groupName, let algorithm = KeyAlgorithm(groupName: group) else {
            throw CryptoError(.invalidKey, "only EC keys on P-256, P-384 or P-521 are supported")
        }
        self.key = key
        self.algorithm = algorithm
        self.publicKey = try PublicKey(key: EVPKey.publicKey(der: key.publicKeyDER()))
    }

    /// A fresh random key on the curve of `algorithm`.
    public convenience init(generating algorithm: KeyAlgorithm) throws(CryptoError) {
        try self.init(key: EVPKey.generateEC(group: algorithm.groupName))
    }

    /// Reads a PEM private key (PKCS#8 or traditional EC); encrypted PEM is refused with `invalidKey`.
    public convenience init(pem: String) throws(CryptoError) {
        try self.init(key: EVPKey.privateKey(pem: pem))
    }

    /// The key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    ///
    /// Traps only if OpenSSL cannot encode a key it already holds, which happens only when memory runs out.
    public var pem: String {
        do {
            return try key.privateKeyPEM()
        } catch {
            fatalError("\(error)")
        }
    }

    /// An ECDSA signature over `message` in raw fixed-width `r || s` form (64, 96 or 132 bytes).
    ///
    /// The digest follows the curve: SHA-256 for P-256, SHA-384 for P-384, SHA-512 for P-521.
    public func signature(for message: some Collection<UInt8>) throws(CryptoError) -> [UInt8] {
        let der = try message.withContiguousBytes { (bytes) throws(CryptoError) -> [UInt8] in
            try key.sign(digestName: algorithm.digestName, message: bytes)
        }
        return try ECDSASignatureCoding.raw(fromDER: der, width: algorithm.coordinateSize)
    }
}
