import COpenSSL

/// AES-256-GCM over raw buffers (`EVP_CIPHER_CTX`, one context per call).
enum GCMCipher {
    /// Encrypts `plaintext` into `ciphertext` (same length) and writes the 16-byte tag; false when OpenSSL fails.
    static func seal(
        key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer, associatedData: UnsafeRawBufferPointer,
        plaintext: UnsafeRawBufferPointer, ciphertext: UnsafeMutableRawBufferPointer, tag: UnsafeMutableRawBufferPointer
    ) -> Bool {
        guard let context = start(encrypting: true, key: key, nonce: nonce, associatedData: associatedData) else {
            return false
        }
        var length: Int32 = 0
        guard
            update(context, input: plaintext, output: ciphertext, encrypting: true),
            EVP_EncryptFinal_ex(context.pointer, nil, &length) == 1,
            EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_GCM_GET_TAG, Int32(tag.count), tag.baseAddress) == 1
        else {
            OpenSSLFailure.discard()
            return false
        }
        return true
    }

    /// Decrypts into `plaintext` (same length as `ciphertext`); false when the tag does not authenticate.
    ///
    /// On failure `plaintext` has been wiped, since OpenSSL writes unauthenticated output before checking the tag.
    static func open(
        key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer, associatedData: UnsafeRawBufferPointer,
        ciphertext: UnsafeRawBufferPointer, tag: UnsafeRawBufferPointer, plaintext: UnsafeMutableRawBufferPointer
    ) -> Bool {
        guard let context = start(encrypting: false, key: key, nonce: nonce, associatedData: associatedData) else {
            return false
        }
        var length: Int32 = 0
        let tagPointer = UnsafeMutableRawPointer(mutating: tag.baseAddress)
        guard
            EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_GCM_SET_TAG, Int32(tag.count), tagPointer) == 1,
            update(context, input: ciphertext, output: plaintext, encrypting: false),
            EVP_DecryptFinal_ex(context.pointer, nil, &length) == 1
        else {
            SecureMemory.cleanse(plaintext)
            OpenSSLFailure.discard()
            return false
        }
        return true
    }

    private static func start(
        encrypting: Bool, key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer,
        associatedData: UnsafeRawBufferPointer
    ) -> OpenSSLHandle? {
        guard let context = OpenSSLHandle(EVP_CIPHER_CTX_new(), free: EVP_CIPHER_CTX_free) else { return nil }
        let cipher = FetchedAlgorithm.aes256GCM.pointer
        let keyBase = key.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let nonceBase = nonce.baseAddress?.assumingMemoryBound(to: UInt8.self)
        // The provider's default GCM IV length is 12 bytes, the only length this module uses.
        let status =
            encrypting
            ? EVP_EncryptInit_ex2(context.pointer, cipher, keyBase, nonceBase, nil)
            : EVP_DecryptInit_ex2(context.pointer, cipher, keyBase, nonceBase, nil)
        guard status == 1, update(context, input: associatedData, output: nil, encrypting: encrypting) else {
            OpenSSLFailure.discard()
            return nil
        }
        return context
    }

    /// Feeds `input` in chunks that fit OpenSSL's `int` lengths; a `nil` output feeds associated data.
    private static func update(
        _ context: OpenSSLHandle, input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer?,
        encrypting: Bool
    ) -> Bool {
        let chunkSize = 1 << 30
        var offset = 0
        while offset < input.count {
            let count = Swift.min(chunkSize, input.count - offset)
            let source = input.baseAddress!.advanced(by: offset).assumingMemoryBound(to: UInt8.self)
            let target = output?.baseAddress!.advanced(by: offset).assumingMemoryBound(to: UInt8.self)
            var written: Int32 = 0
            let status =
                encrypting
                ? EVP_EncryptUpdate(context.pointer, target, &written, source, Int32(count))
                : EVP_DecryptUpdate(context.pointer, target, &written, source, Int32(count))
            // GCM is a stream mode: every byte in comes straight out, so offsets stay aligned.
            guard status == 1, output == nil || Int(written) == count else { return false }
            offset += count
        }
        return true
    }
}
