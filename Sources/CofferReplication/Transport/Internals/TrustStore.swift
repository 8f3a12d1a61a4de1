import COpenSSL

/// An OpenSSL `X509_STORE` holding exactly the CA certificates of one PEM bundle and nothing from the system.
// @unchecked: the store is filled in init and afterwards only read during verification, which OpenSSL locks.
final class TrustStore: @unchecked Sendable {
    /// The owned `X509_STORE`.
    let pointer: OpaquePointer

    /// A store trusting every certificate in `pem` (`X509_STORE_add_cert`).
    init(pem: String, what: String) throws(TransportError) {
        let certificates = try X509Object.parseAll(pem: pem, what: what)
        let store = try TLSFailure.require(X509_STORE_new(), "X509_STORE_new")
        for certificate in certificates where X509_STORE_add_cert(store, certificate.pointer) != 1 {
            let failure = TLSFailure.error(.tls, "adding a certificate of \(what) to a trust store")
            X509_STORE_free(store)
            throw failure
        }
        pointer = store
    }

    deinit { X509_STORE_free(pointer) }
}
