import COpenSSL

/// One-shot message digests and MACs over raw bytes.
enum Digest {
    /// The digest of `input` (`EVP_Digest` with a pre-fetched `EVP_MD`).
    static func hash(_ algorithm: FetchedAlgorithm, _ input: UnsafeRawBufferPointer) -> [UInt8] {
        let size = Int(EVP_MD_get_size(algorithm.pointer))
        return [UInt8](unsafeUninitializedCapacity: size) { output, count in
            var length: UInt32 = 0
            let status = EVP_Digest(input.baseAddress, input.count, output.baseAddress, &length, algorithm.pointer, nil)
            // A digest over memory fails only when OpenSSL cannot allocate its context.
            precondition(status == 1, "EVP_Digest failed")
            count = Int(length)
        }
    }

    /// HMAC-SHA256 of `message` under `key` (`EVP_MAC` from a pre-configured template).
    static func hmacSHA256(key: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { output, count in
            let template = FetchedAlgorithm.hmacSHA256Template.pointer
            let context = OpenSSLHandle(EVP_MAC_CTX_dup(template), free: EVP_MAC_CTX_free)
            var length = 0
            let keyBase = key.baseAddress?.assumingMemoryBound(to: UInt8.self)
            let messageBase = message.baseAddress?.assumingMemoryBound(to: UInt8.self)
            let status =
                context.map { context in
                    EVP_MAC_init(context.pointer, keyBase, key.count, nil) == 1
                        && EVP_MAC_update(context.pointer, messageBase, message.count) == 1
                        && EVP_MAC_final(context.pointer, output.baseAddress, &length, 32) == 1
                } ?? false
            // Only an allocation failure inside OpenSSL can make an HMAC over memory fail.
            precondition(status && length == 32, "HMAC-SHA256 failed")
            count = 32
        }
    }
}
