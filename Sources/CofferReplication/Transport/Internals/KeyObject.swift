import COpenSSL

/// Owns one OpenSSL `EVP_PKEY`, freed with `EVP_PKEY_free`.
// @unchecked: the key is never modified after parsing; OpenSSL reference-counts it atomically.
final class KeyObject: @unchecked Sendable {
    /// The owned `EVP_PKEY`.
    let pointer: OpaquePointer

    /// Reads an unencrypted PEM private key (`PEM_read_bio_PrivateKey`); encrypted keys fail instead of prompting.
    init(pem: String) throws(TransportError) {
        TLSFailure.clear()
        let bio = try MemoryInput(pem, wiped: true)
        pointer = try TLSFailure.require(
            PEM_read_bio_PrivateKey(bio.pointer, nil, KeyObject.noPassphrase, nil), "reading the private key PEM")
    }

    deinit { EVP_PKEY_free(pointer) }

    private static let noPassphrase:
        @convention(c) (UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?) -> Int32 = { _, _, _, _ in
            0
        }
}
