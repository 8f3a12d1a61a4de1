import COpenSSL

/// A memory `BIO` holding a copy of some PEM text, freed with `BIO_free`.
final class MemoryInput {
    /// The owned `BIO`.
    let pointer: OpaquePointer

    /// A BIO to read `text` from; `wiped` uses secure memory (`BIO_s_secmem`) for private keys.
    init(_ text: String, wiped: Bool = false) throws(TransportError) {
        let bio = try TLSFailure.require(BIO_new(wiped ? BIO_s_secmem() : BIO_s_mem()), "BIO_new")
        var bytes = Array(text.utf8)
        defer {
            // The copy may hold a private key; clear it before the array is released.
            for index in bytes.indices { bytes[index] = 0 }
        }
        guard bytes.count < Int32.max, bytes.isEmpty || BIO_write(bio, &bytes, Int32(bytes.count)) == bytes.count else {
            BIO_free(bio)
            throw TLSFailure.error(.tls, "copying PEM text into a BIO")
        }
        pointer = bio
    }

    deinit { BIO_free(pointer) }
}
