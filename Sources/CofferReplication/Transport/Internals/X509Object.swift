import COpenSSL

/// Owns one OpenSSL `X509`, freed with `X509_free`.
// @unchecked: the certificate is never modified after parsing; OpenSSL reference-counts it atomically.
final class X509Object: @unchecked Sendable {
    /// The owned `X509`.
    let pointer: OpaquePointer

    private init(pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit { X509_free(pointer) }

    /// Every certificate of a PEM bundle, in order (`PEM_read_bio_X509`); throws `tls` when there is none.
    static func parseAll(pem: String, what: String) throws(TransportError) -> [X509Object] {
        TLSFailure.clear()
        let bio = try MemoryInput(pem)
        var certificates: [X509Object] = []
        while let pointer = PEM_read_bio_X509(bio.pointer, nil, nil, nil) {
            certificates.append(X509Object(pointer: pointer))
        }
        guard !certificates.isEmpty, TLSFailure.isEndOfPEM() else {
            throw TLSFailure.error(.tls, "reading \(what) as PEM certificates")
        }
        TLSFailure.clear()
        return certificates
    }
}
