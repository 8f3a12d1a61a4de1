import COpenSSL

/// A digest, cipher or MAC fetched from OpenSSL's default provider once per process.
///
/// Fetching explicitly and keeping the result avoids the provider lookup that OpenSSL 3 performs
/// on every call when given the legacy `EVP_sha256()` style objects.
// Fetched algorithms are immutable and reference-counted, and the HMAC template is only ever read to copy it.
final class FetchedAlgorithm: @unchecked Sendable {
    /// The `EVP_MD`, `EVP_CIPHER` or `EVP_MAC`.
    let pointer: OpaquePointer
    private let free: (OpaquePointer) -> Void

    private init(_ pointer: OpaquePointer?, name: String, free: @escaping (OpaquePointer) -> Void) {
        // Without these algorithms the process cannot protect anything; OpenSSL is misconfigured.
        guard let pointer else { fatalError("OpenSSL's default provider does not offer \(name)") }
        self.pointer = pointer
        self.free = free
    }

    deinit { free(pointer) }

    private static func digest(_ name: String) -> FetchedAlgorithm {
        FetchedAlgorithm(EVP_MD_fetch(nil, name, nil), name: name, free: EVP_MD_free)
    }

    /// SHA-256 (`EVP_MD_fetch`).
    static let sha256 = digest("SHA256")
    /// SHA-384 (`EVP_MD_fetch`).
    static let sha384 = digest("SHA384")
    /// SHA-512 (`EVP_MD_fetch`).
    static let sha512 = digest("SHA512")
    /// AES-256 in GCM mode (`EVP_CIPHER_fetch`).
    static let aes256GCM = FetchedAlgorithm(
        EVP_CIPHER_fetch(nil, "AES-256-GCM", nil), name: "AES-256-GCM", free: EVP_CIPHER_free)
    /// HMAC (`EVP_MAC_fetch`).
    static let hmac = FetchedAlgorithm(EVP_MAC_fetch(nil, "HMAC", nil), name: "HMAC", free: EVP_MAC_free)

    /// An `EVP_MAC_CTX` with the digest already chosen, duplicated per call so the digest is not fetched again.
    static let hmacSHA256Template: FetchedAlgorithm = {
        let context = EVP_MAC_CTX_new(hmac.pointer)
        var digestName = Array("SHA256".utf8CString)
        let status = digestName.withUnsafeMutableBufferPointer { name in
            var parameters = [
                OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, name.baseAddress, 0),
                OSSL_PARAM_construct_end(),
            ]
            return EVP_MAC_CTX_set_params(context, &parameters)
        }
        let configured = status == 1 ? context : nil
        return FetchedAlgorithm(configured, name: "HMAC-SHA256", free: EVP_MAC_CTX_free)
    }()
}
