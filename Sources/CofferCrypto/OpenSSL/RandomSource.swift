import COpenSSL

/// OpenSSL's CSPRNG.
enum RandomSource {
    /// Fills `buffer` with cryptographically strong random bytes (`RAND_bytes`).
    ///
    /// Traps when the CSPRNG fails: continuing would hand out predictable keys and nonces.
    static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        var offset = 0
        while offset < buffer.count {
            let chunk = Swift.min(buffer.count - offset, Int(Int32.max))
            let start = buffer.baseAddress!.advanced(by: offset).assumingMemoryBound(to: UInt8.self)
            guard RAND_bytes(start, Int32(chunk)) == 1 else {
                fatalError("RAND_bytes failed; refusing to continue without a working CSPRNG")
            }
            offset += chunk
        }
    }
}
