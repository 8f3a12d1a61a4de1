import COpenSSL

/// The one call into OpenSSL's scrypt (`EVP_PBE_scrypt`).
enum ScryptKDF {
    /// Derives `length` bytes; `maxMemory` must cover the 128·r·(N + p + 2) bytes scrypt needs,
    /// since OpenSSL's default limit of 32 MiB is just below what N = 2^15, r = 8 uses.
    static func derive(
        password: UnsafeRawBufferPointer, salt: UnsafeRawBufferPointer, cost: UInt64, blockSize: UInt64,
        parallelism: UInt64, maxMemory: UInt64, length: Int
    ) throws(CryptoError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: length)
        let status = output.withUnsafeMutableBufferPointer { key in
            EVP_PBE_scrypt(
                password.baseAddress?.assumingMemoryBound(to: CChar.self), password.count,
                salt.baseAddress?.assumingMemoryBound(to: UInt8.self), salt.count, cost, blockSize, parallelism,
                maxMemory, key.baseAddress, length)
        }
        try OpenSSLFailure.check(status, .internalFailure, "EVP_PBE_scrypt")
        return output
    }
}
