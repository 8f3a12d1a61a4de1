import COpenSSL

/// Owns one `EVP_PKEY`.
// The key is never modified after creation, and OpenSSL 3 allows concurrent use of an unmodified EVP_PKEY.
final class EVPKey: @unchecked Sendable {
    /// The owned `EVP_PKEY`.
    let pointer: OpaquePointer

    /// Takes ownership of a key returned by OpenSSL.
    init(owning pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit { EVP_PKEY_free(pointer) }

    /// A fresh EC key on the named curve (`EVP_PKEY_CTX_new_from_name` … `EVP_PKEY_generate`).
    static func generateEC(group: String) throws(CryptoError) -> EVPKey {
        let context = try OpenSSLHandle.make(
            EVP_PKEY_CTX_new_from_name(nil, "EC", nil), "EVP_PKEY_CTX_new_from_name", free: EVP_PKEY_CTX_free)
        try OpenSSLFailure.check(EVP_PKEY_keygen_init(context.pointer), .internalFailure, "EVP_PKEY_keygen_init")
        try OpenSSLFailure.check(
            EVP_PKEY_CTX_set_group_name(context.pointer, group), .internalFailure, "EVP_PKEY_CTX_set_group_name")
        var key: OpaquePointer? = nil
        try OpenSSLFailure.check(EVP_PKEY_generate(context.pointer, &key), .internalFailure, "EVP_PKEY_generate")
        return EVPKey(owning: try OpenSSLFailure.require(key, .internalFailure, "EVP_PKEY_generate"))
    }

    /// Reads a private key from PEM (PKCS#8 or the traditional EC form); encrypted PEM is refused.
    static func privateKey(pem: String) throws(CryptoError) -> EVPKey {
        let bio = try MemoryBIO(reading: pem)
        let key = PEM_read_bio_PrivateKey(bio.pointer, nil, MemoryBIO.noPassphrase, nil)
        return EVPKey(owning: try OpenSSLFailure.require(key, .invalidKey, "reading a private key PEM"))
    }

    /// Reads a SubjectPublicKeyInfo PEM.
    static func publicKey(pem: String) throws(CryptoError) -> EVPKey {
        let bio = try MemoryBIO(reading: pem)
        let key = PEM_read_bio_PUBKEY(bio.pointer, nil, MemoryBIO.noPassphrase, nil)
        return EVPKey(owning: try OpenSSLFailure.require(key, .invalidKey, "reading a public key PEM"))
    }

    /// Reads a DER SubjectPublicKeyInfo (`d2i_PUBKEY`).
    static func publicKey(der: [UInt8]) throws(CryptoError) -> EVPKey {
        let key = der.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return d2i_PUBKEY(nil, &cursor, buffer.count)
        }
        return EVPKey(owning: try OpenSSLFailure.require(key, .invalidKey, "d2i_PUBKEY"))
    }

    /// The curve's OpenSSL name (for example `secp521r1`), or `nil` when this is not an EC key.
    var groupName: String? {
        guard EVP_PKEY_is_a(pointer, "EC") == 1 else { return nil }
        var name = [CChar](repeating: 0, count: 64)
        var length = 0
        guard EVP_PKEY_get_group_name(pointer, &name, name.count, &length) == 1 else {
            OpenSSLFailure.discard()
            return nil
        }
        return String(decoding: name[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The DER SubjectPublicKeyInfo (`i2d_PUBKEY`).
    func publicKeyDER() throws(CryptoError) -> [UInt8] {
        let length = i2d_PUBKEY(pointer, nil)
        guard length > 0 else { throw OpenSSLFailure.error(.encodingFailed, "i2d_PUBKEY") }
        var written: Int32 = 0
        let der = [UInt8](unsafeUninitializedCapacity: Int(length)) { buffer, count in
            var cursor = buffer.baseAddress
            written = i2d_PUBKEY(pointer, &cursor)
            count = written == length ? Int(length) : 0
        }
        guard written == length else { throw OpenSSLFailure.error(.encodingFailed, "i2d_PUBKEY") }
        return der
    }

    /// The private key as PKCS#8 PEM (`PEM_write_bio_PrivateKey`).
    func privateKeyPEM() throws(CryptoError) -> String {
        let bio = try MemoryBIO()
        let status = PEM_write_bio_PrivateKey(bio.pointer, pointer, nil, nil, 0, nil, nil)
        try OpenSSLFailure.check(status, .encodingFailed, "PEM_write_bio_PrivateKey")
        return bio.text
    }

    /// A DER signature over `message` (`EVP_DigestSign`).
    func sign(digestName: String, message: UnsafeRawBufferPointer) throws(CryptoError) -> [UInt8] {
        let context = try OpenSSLHandle.make(EVP_MD_CTX_new(), "EVP_MD_CTX_new", free: EVP_MD_CTX_free)
        let initialized = EVP_DigestSignInit_ex(context.pointer, nil, digestName, nil, nil, pointer, nil)
        try OpenSSLFailure.check(initialized, .invalidKey, "EVP_DigestSignInit_ex")
        let capacity = Int(EVP_PKEY_get_size(pointer))
        var status: Int32 = 0
        let signature = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            var length = capacity
            let messageBase = message.baseAddress?.assumingMemoryBound(to: UInt8.self)
            status = EVP_DigestSign(context.pointer, buffer.baseAddress, &length, messageBase, message.count)
            count = status == 1 ? length : 0
        }
        try OpenSSLFailure.check(status, .internalFailure, "EVP_DigestSign")
        return signature
    }

    /// Whether a DER signature over `message` verifies (`EVP_DigestVerify`).
    func verify(digestName: String, signature: [UInt8], message: UnsafeRawBufferPointer) -> Bool {
        guard let context = OpenSSLHandle(EVP_MD_CTX_new(), free: EVP_MD_CTX_free) else { return false }
        defer { OpenSSLFailure.discard() }
        guard EVP_DigestVerifyInit_ex(context.pointer, nil, digestName, nil, nil, pointer, nil) == 1 else {
            return false
        }
        let messageBase = message.baseAddress?.assumingMemoryBound(to: UInt8.self)
        return EVP_DigestVerify(context.pointer, signature, signature.count, messageBase, message.count) == 1
    }
}
