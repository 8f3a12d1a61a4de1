import COpenSSL

/// Key material in memory this module owns, wiped with `OPENSSL_cleanse` when released.
// The bytes are written once in `init` and only read afterwards, so concurrent readers are safe.
final class SecretBuffer: @unchecked Sendable {
    private let storage: UnsafeMutableRawBufferPointer

    /// Copies `bytes` into fresh storage.
    init(copying bytes: some Collection<UInt8>) {
        storage = .allocate(byteCount: Swift.max(bytes.count, 1), alignment: 16)
        storage.copyBytes(from: bytes)
        count = bytes.count
    }

    /// The number of secret bytes.
    let count: Int

    /// Runs `body` over the secret bytes; the pointer must not escape.
    func withBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        body(UnsafeRawBufferPointer(rebasing: storage[0..<count]))
    }

    deinit {
        SecureMemory.cleanse(storage)
        storage.deallocate()
    }
}
