import COpenSSL

/// Owns an `SSL_CTX` set up for the cluster port: TLS 1.3 only, no session resumption, a certificate on both sides.
// @unchecked: the context is configured in its factory and afterwards only read by SSL_new, which OpenSSL
// allows from any thread.
final class TLSContext: @unchecked Sendable {
    /// The owned `SSL_CTX`.
    let pointer: OpaquePointer

    private init(method: OpaquePointer?) throws(TransportError) {
        TLSFailure.clear()
        pointer = try TLSFailure.require(SSL_CTX_new(method), "SSL_CTX_new")
    }

    deinit { SSL_CTX_free(pointer) }

    /// A listener's context: its certificate, client certificates required, trust chosen per connection.
    ///
    /// The context's own trust store stays empty, so a connection whose ClientHello callback did not pick a
    /// protocol cannot verify any client.
    static func server(identity: ClusterTLSIdentity) throws(TransportError) -> TLSContext {
        let context = try TLSContext(method: TLS_server_method())
        try context.configureCommon(credentials: Credentials(identity: identity))
        SSL_CTX_set_verify(context.pointer, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nil)
        let sessionContext = Array("coffer-cluster".utf8)
        try TLSFailure.check(
            SSL_CTX_set_session_id_context(context.pointer, sessionContext, UInt32(sessionContext.count)),
            "SSL_CTX_set_session_id_context")
        SSL_CTX_set_client_hello_cb(context.pointer, ServerHandshake.clientHelloCallback, nil)
        SSL_CTX_set_alpn_select_cb(context.pointer, ServerHandshake.alpnSelectCallback, nil)
        return context
    }

    /// A dialer's context: presents `identity`'s certificate and trusts only `identity`'s CAs.
    ///
    /// No host name or IP address is checked: cluster certificates name nodes, not the addresses they are
    /// dialled at, and trust comes from the private CA alone. `presentCertificate: false` exists for tests.
    static func client(identity: ClusterTLSIdentity, presentCertificate: Bool) throws(TransportError) -> TLSContext {
        let context = try TLSContext(method: TLS_client_method())
        try context.configureCommon(credentials: presentCertificate ? Credentials(identity: identity) : nil)
        let store = try TLSFailure.require(SSL_CTX_get_cert_store(context.pointer), "SSL_CTX_get_cert_store")
        for certificate in try X509Object.parseAll(pem: identity.trustedCAPEM, what: "the trusted CA") {
            try TLSFailure.check(X509_STORE_add_cert(store, certificate.pointer), "X509_STORE_add_cert")
        }
        SSL_CTX_set_verify(context.pointer, SSL_VERIFY_PEER, nil)
        return context
    }

    private func configureCommon(credentials: Credentials?) throws(TransportError) {
        try TLSFailure.check(coffer_SSL_CTX_set_min_proto_version(pointer, TLS1_3_VERSION), "setting TLS 1.3")
        try TLSFailure.check(coffer_SSL_CTX_set_max_proto_version(pointer, TLS1_3_VERSION), "setting TLS 1.3")
        // A peer that vanishes without close_notify reads as a clean end of stream, which callers see as `closed`.
        let options =
            coffer_SSL_OP_IGNORE_UNEXPECTED_EOF() | coffer_SSL_OP_NO_RENEGOTIATION() | coffer_SSL_OP_NO_TICKET()
        _ = SSL_CTX_set_options(pointer, options)
        // Partial writes let a writer advance through a large buffer on a non-blocking socket; the moving-buffer
        // mode tolerates the array's address being taken afresh on each retry.
        _ = coffer_SSL_CTX_set_mode(pointer, Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER))
        // Connections are long-lived and few; resumption would only widen what a stolen ticket could do.
        _ = coffer_SSL_CTX_set_session_cache_mode(pointer, Int(SSL_SESS_CACHE_OFF))
        try TLSFailure.check(SSL_CTX_set_num_tickets(pointer, 0), "SSL_CTX_set_num_tickets")
        try credentials?.install(on: pointer)
    }
}
