import COpenSSL

/// Memory operations whose timing or effect the optimizer must not change.
enum SecureMemory {
    /// Overwrites `buffer` with zeros in a way the compiler cannot elide (`OPENSSL_cleanse`).
    static func cleanse(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        OPENSSL_cleanse(base, buffer.count)
    }

    /// Compares equal-length buffers in time independent of their contents (`CRYPTO_memcmp`).
    static func equal(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> Bool {
        guard first.count == second.count else { return false }
        guard first.count > 0 else { return true }
        return CRYPTO_memcmp(first.baseAddress, second.baseAddress, first.count) == 0
    }
}
