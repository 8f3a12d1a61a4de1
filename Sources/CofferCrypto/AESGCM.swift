/// AES-256-GCM with a 12-byte random nonce and a 16-byte tag. Sealed layout: nonce || ciphertext || tag.
///
/// Random 96-bit nonces keep the chance of a repeat negligible for up to about 2^32 messages per key;
/// rotate keys well before that.
public struct AESGCM: Sendable {
    /// Bytes of nonce at the front of sealed data.
    public static let nonceSize = 12
    /// Bytes of tag at the end of sealed data.
    public static let tagSize = 16
    /// Bytes in a key.
    public static let keySize = 32

    private let key: SecretBuffer

    /// Prepares to seal and open under `key`, which must be exactly 32 bytes.
    public init(key: [UInt8]) throws(CryptoError) {
        guard key.count == Self.keySize else {
            throw CryptoError(.invalidKey, "an AES-256-GCM key must be \(Self.keySize) bytes, got \(key.count)")
        }
        self.key = SecretBuffer(copying: key)
    }

    /// A fresh random 32-byte key.
    public static func generateKey() -> [UInt8] {
        SecureRandom.bytes(keySize)
    }

    /// Encrypts and authenticates `plaintext`, binding `associatedData`, under a fresh random nonce.
    ///
    /// Traps only if OpenSSL cannot run AES-GCM at all, which no input can cause.
    public func seal(_ plaintext: some Collection<UInt8>, associatedData: some Collection<UInt8>) -> [UInt8] {
        let total = Self.nonceSize + plaintext.count + Self.tagSize
        return [UInt8](unsafeUninitializedCapacity: total) { output, initialized in
            let raw = UnsafeMutableRawBufferPointer(output)
            let nonce = UnsafeMutableRawBufferPointer(rebasing: raw[0..<Self.nonceSize])
            RandomSource.fill(nonce)
            let sealed = seal(
                plaintext, nonce: UnsafeRawBufferPointer(nonce), associatedData: associatedData, into: raw)
            precondition(sealed, "AES-256-GCM encryption failed inside OpenSSL")
            initialized = total
        }
    }

    /// Seals with a caller-chosen 12-byte nonce; for known-answer tests only, since reusing a nonce breaks GCM.
    public func seal(
        _ plaintext: some Collection<UInt8>, nonce: [UInt8], associatedData: some Collection<UInt8>
    ) throws(CryptoError) -> [UInt8] {
        guard nonce.count == Self.nonceSize else {
            throw CryptoError(.invalidInput, "an AES-256-GCM nonce must be \(Self.nonceSize) bytes")
        }
        let total = Self.nonceSize + plaintext.count + Self.tagSize
        var sealed = false
        let output = [UInt8](unsafeUninitializedCapacity: total) { output, initialized in
            let raw = UnsafeMutableRawBufferPointer(output)
            raw.copyBytes(from: nonce)
            let nonceBytes = UnsafeRawBufferPointer(rebasing: raw[0..<Self.nonceSize])
            sealed = seal(plaintext, nonce: nonceBytes, associatedData: associatedData, into: raw)
            initialized = sealed ? total : 0
        }
        guard sealed else { throw CryptoError(.internalFailure, "AES-256-GCM encryption failed") }
        return output
    }

    /// Writes ciphertext and tag into `output` after the nonce already at its front.
    private func seal(
        _ plaintext: some Collection<UInt8>, nonce: UnsafeRawBufferPointer, associatedData: some Collection<UInt8>,
        into output: UnsafeMutableRawBufferPointer
    ) -> Bool {
        let tagStart = output.count - Self.tagSize
        let ciphertext = UnsafeMutableRawBufferPointer(rebasing: output[Self.nonceSize..<tagStart])
        let tag = UnsafeMutableRawBufferPointer(rebasing: output[tagStart...])
        return key.withBytes { keyBytes in
            plaintext.withContiguousBytes { plaintextBytes in
                associatedData.withContiguousBytes { associatedBytes in
                    GCMCipher.seal(
                        key: keyBytes, nonce: nonce, associatedData: associatedBytes, plaintext: plaintextBytes,
                        ciphertext: ciphertext, tag: tag)
                }
            }
        }
    }

    /// Checks and decrypts data made by `seal`; throws `authenticationFailed` on any change to it or to
    /// `associatedData`, and on data too short to hold a nonce and tag.
    public func open(
        _ sealed: some Collection<UInt8>, associatedData: some Collection<UInt8>
    ) throws(CryptoError) -> [UInt8] {
        try sealed.withContiguousBytes { (input) throws(CryptoError) -> [UInt8] in
            try associatedData.withContiguousBytes { (associatedBytes) throws(CryptoError) -> [UInt8] in
                try open(raw: input, associatedData: associatedBytes)
            }
        }
    }

    /// `open` for the array slices the barrier passes, without generic dispatch on the read path.
    public func open(_ sealed: ArraySlice<UInt8>, associatedData: [UInt8]) throws(CryptoError) -> [UInt8] {
        let result = sealed.withUnsafeBytes { input in
            associatedData.withUnsafeBytes { associatedBytes in
                Result { () throws(CryptoError) -> [UInt8] in try open(raw: input, associatedData: associatedBytes) }
            }
        }
        return try result.get()
    }

    /// `open` for arrays, without generic dispatch.
    public func open(_ sealed: [UInt8], associatedData: [UInt8]) throws(CryptoError) -> [UInt8] {
        try open(sealed[...], associatedData: associatedData)
    }

    private func open(
        raw input: UnsafeRawBufferPointer, associatedData: UnsafeRawBufferPointer
    ) throws(CryptoError) -> [UInt8] {
        let plaintextCount = input.count - Self.nonceSize - Self.tagSize
        guard plaintextCount >= 0 else {
            throw CryptoError(.authenticationFailed, "sealed data is shorter than a nonce and a tag")
        }
        // OpenSSL reads a NULL associated-data pointer as "none"; an empty buffer may have one.
        var placeholder: UInt8 = 0
        var opened = false
        let plaintext = withUnsafeBytes(of: &placeholder) { scratch in
            [UInt8](unsafeUninitializedCapacity: plaintextCount) { output, initialized in
                let target = UnsafeMutableRawBufferPointer(output)
                let associated =
                    associatedData.baseAddress == nil
                    ? UnsafeRawBufferPointer(start: scratch.baseAddress, count: 0) : associatedData
                opened = key.withBytes { keyBytes in
                    let tagStart = input.count - Self.tagSize
                    return GCMCipher.open(
                        key: keyBytes, nonce: UnsafeRawBufferPointer(rebasing: input[0..<Self.nonceSize]),
                        associatedData: associated,
                        ciphertext: UnsafeRawBufferPointer(rebasing: input[Self.nonceSize..<tagStart]),
                        tag: UnsafeRawBufferPointer(rebasing: input[tagStart...]), plaintext: target)
                }
                initialized = opened ? plaintextCount : 0
            }
        }
        guard opened else { throw CryptoError(.authenticationFailed, "message authentication failed") }
        return plaintext
    }
}
