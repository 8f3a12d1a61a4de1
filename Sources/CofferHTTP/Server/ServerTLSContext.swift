import COpenSSL

/// Owns the server's `SSL_CTX` and the ALPN preference list that its select callback reads.
///
/// Workers keep a strong reference, so the context (and the callback argument pointing at it) outlives
/// every `SSL` created from it.
// @unchecked: the SSL_CTX is configured once in init and afterwards only read by SSL_new, which OpenSSL
// allows from any thread; the stored Swift values are immutable.
final class ServerTLSContext: @unchecked Sendable {
    private let context: OpaquePointer
    /// Configured ALPN protocols in preference order, as raw bytes.
    private let alpnPreference: [[UInt8]]

    /// Builds the context from the configured files; failures carry OpenSSL's own reasons.
    init(configuration: TLSServerConfiguration) throws(HTTPServerError) {
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw Self.failure("SSL_CTX_new") }
        self.context = context
        self.alpnPreference = configuration.alpnProtocols.map { Array($0.utf8) }
        try configure(configuration)
    }

    deinit {
        SSL_CTX_free(context)
    }

    /// A new server-side `SSL` for one connection, or `nil` when OpenSSL is out of memory.
    func makeSession() -> OpaquePointer? {
        SSL_new(context)
    }

    private func configure(_ configuration: TLSServerConfiguration) throws(HTTPServerError) {
        guard coffer_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) == 1 else {
            throw Self.failure("setting TLS 1.2 as minimum version")
        }
        _ = SSL_CTX_set_options(context, coffer_SSL_OP_NO_RENEGOTIATION() | coffer_SSL_OP_CIPHER_SERVER_PREFERENCE())
        guard SSL_CTX_use_certificate_chain_file(context, configuration.certificateChainFile) == 1 else {
            throw Self.failure("loading the certificate chain")
        }
        guard SSL_CTX_use_PrivateKey_file(context, configuration.privateKeyFile, SSL_FILETYPE_PEM) == 1 else {
            throw Self.failure("loading the private key")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw Self.failure("checking that the private key matches the certificate")
        }
        if let caFile = configuration.clientCAFile {
            try requestClientCertificates(caFile: caFile, required: configuration.requireClientCertificate)
        }
        // Resumed sessions must carry a context id once client certificates are verified.
        let sessionContext = Array("coffer-http".utf8)
        guard SSL_CTX_set_session_id_context(context, sessionContext, UInt32(sessionContext.count)) == 1 else {
            throw Self.failure("setting the session id context")
        }
        if !alpnPreference.isEmpty {
            let argument = Unmanaged.passUnretained(self).toOpaque()
            SSL_CTX_set_alpn_select_cb(context, Self.selectALPN, argument)
        }
    }

    private func requestClientCertificates(caFile: String, required: Bool) throws(HTTPServerError) {
        guard SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else {
            throw Self.failure("loading the client CA file")
        }
        guard let names = SSL_load_client_CA_file(caFile) else {
            throw Self.failure("reading CA names from the client CA file")
        }
        SSL_CTX_set_client_CA_list(context, names)
        let mode = SSL_VERIFY_PEER | (required ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0)
        SSL_CTX_set_verify(context, mode, nil)
    }

    /// Picks the first configured protocol the client also offers; without overlap the handshake
    /// continues without ALPN, so clients that only offer `h2` still get HTTP/1.1.
    private static let selectALPN:
        @convention(c) (
            OpaquePointer?, UnsafeMutablePointer<UnsafePointer<UInt8>?>?, UnsafeMutablePointer<UInt8>?,
            UnsafePointer<UInt8>?, UInt32, UnsafeMutableRawPointer?
        ) -> Int32 = { _, out, outLength, offered, offeredLength, argument in
            guard let out, let outLength, let offered, let argument else { return SSL_TLSEXT_ERR_NOACK }
            let context = Unmanaged<ServerTLSContext>.fromOpaque(argument).takeUnretainedValue()
            let list = UnsafeBufferPointer(start: offered, count: Int(offeredLength))
            for wanted in context.alpnPreference {
                if let offset = ALPNWireFormat.find(wanted, in: list) {
                    out.pointee = offered + offset + 1
                    outLength.pointee = UInt8(wanted.count)
                    return SSL_TLSEXT_ERR_OK
                }
            }
            return SSL_TLSEXT_ERR_NOACK
        }

    /// Turns the OpenSSL error queue into an error; the queue is per thread, so this reads our own failures.
    static func failure(_ operation: String) -> HTTPServerError {
        var messages: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        }
        let detail = messages.isEmpty ? "" : ": " + messages.joined(separator: "; ")
        return HTTPServerError(code: .tls, reason: operation + detail)
    }
}
