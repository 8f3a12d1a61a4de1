import COpenSSL

/// A parsed certificate chain and its private key, checked to belong together.
struct Credentials: Sendable {
    /// The leaf certificate first, then intermediates.
    let chain: [X509Object]
    /// The leaf's private key.
    let key: KeyObject

    /// Parses the chain and key of `identity`; throws `tls` when either is unreadable or they do not match.
    init(identity: ClusterTLSIdentity) throws(TransportError) {
        chain = try X509Object.parseAll(pem: identity.certificateChainPEM, what: "the certificate chain")
        key = try KeyObject(pem: identity.privateKeyPEM)
        guard X509_check_private_key(chain[0].pointer, key.pointer) == 1 else {
            throw TLSFailure.error(.tls, "checking that the private key belongs to the certificate")
        }
    }

    /// Installs the chain and key on a context (`SSL_CTX_use_certificate`, `SSL_CTX_use_PrivateKey`).
    func install(on context: OpaquePointer) throws(TransportError) {
        try TLSFailure.check(SSL_CTX_use_certificate(context, chain[0].pointer), "SSL_CTX_use_certificate")
        for intermediate in chain.dropFirst() {
            try TLSFailure.check(coffer_SSL_CTX_add1_chain_cert(context, intermediate.pointer), "adding a chain cert")
        }
        try TLSFailure.check(SSL_CTX_use_PrivateKey(context, key.pointer), "SSL_CTX_use_PrivateKey")
    }

    /// Replaces the certificate, chain and key one connection presents (`SSL_use_certificate` and friends).
    ///
    /// Returns false on failure; it runs inside a handshake callback, where nothing can be thrown.
    func install(onSession session: OpaquePointer) -> Bool {
        guard SSL_use_certificate(session, chain[0].pointer) == 1,
            SSL_use_PrivateKey(session, key.pointer) == 1,
            coffer_SSL_clear_chain_certs(session) == 1
        else { return false }
        return chain.dropFirst().allSatisfy { coffer_SSL_add1_chain_cert(session, $0.pointer) == 1 }
    }
}
