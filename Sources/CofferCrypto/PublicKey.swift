/// A public key: an ECDSA verifier for P-256, P-384 and P-521, and a pinnable identity for any key type.
public final class PublicKey: Sendable {
    /// The underlying `EVP_PKEY`.
    let key: EVPKey
    /// The curve, or `nil` when the key is not one this module signs with (such as RSA from a certificate).
    let algorithm: KeyAlgorithm?
    /// The DER SubjectPublicKeyInfo.
    let der: [UInt8]
    /// The key as SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`).
    public let pem: String
    /// SHA-256 of the DER SubjectPublicKeyInfo, the value TLS public-key pinning compares.
    public let spkiSHA256: [UInt8]

    /// Wraps an OpenSSL key and derives its encodings.
    init(key: EVPKey) throws(CryptoError) {
        self.key = key
        algorithm = key.groupName.flatMap(KeyAlgorithm.init(groupName:))
        der = try key.publicKeyDER()
        pem = PEMText.encode(der, label: "PUBLIC KEY")
        spkiSHA256 = SHA256.hash(der)
    }

    /// Reads a SubjectPublicKeyInfo PEM.
    public convenience init(pem: String) throws(CryptoError) {
        try self.init(key: EVPKey.publicKey(pem: pem))
    }

    /// Whether `signature` (raw fixed-width `r || s`) is a valid ECDSA signature over `message` by this key.
    ///
    /// Always `false` for keys that are not on P-256, P-384 or P-521.
    public func isValidSignature(_ signature: [UInt8], for message: some Collection<UInt8>) -> Bool {
        guard let algorithm, signature.count == 2 * algorithm.coordinateSize,
            let der = ECDSASignatureCoding.der(fromRaw: signature)
        else { return false }
        return message.withContiguousBytes { bytes in
            key.verify(digestName: algorithm.digestName, signature: der, message: bytes)
        }
    }
}
