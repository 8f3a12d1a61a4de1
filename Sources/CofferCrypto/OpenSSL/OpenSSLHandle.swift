import COpenSSL

/// Owns one short-lived OpenSSL object (a context, store or stack) and frees it with its matching function.
final class OpenSSLHandle {
    /// The owned object; valid for the lifetime of this handle.
    let pointer: OpaquePointer
    private let free: (OpaquePointer) -> Void

    /// Takes ownership of `pointer`; `nil` when the allocation that produced it failed.
    init?(_ pointer: OpaquePointer?, free: @escaping (OpaquePointer) -> Void) {
        guard let pointer else { return nil }
        self.pointer = pointer
        self.free = free
    }

    /// Takes ownership of `pointer`, throwing `internalFailure` through the funnel when it is `NULL`.
    static func make(
        _ pointer: OpaquePointer?, _ operation: String, free: @escaping (OpaquePointer) -> Void
    ) throws(CryptoError) -> OpenSSLHandle {
        guard let handle = OpenSSLHandle(pointer, free: free) else {
            throw OpenSSLFailure.error(.internalFailure, operation)
        }
        return handle
    }

    deinit { free(pointer) }
}
