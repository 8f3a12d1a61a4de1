import CEvent
import COpenSSL

/// What the server knows about the other end of one connection; fixed for the connection's lifetime
/// (renegotiation is disabled), so it is read once and cached.
struct ConnectionPeer {
    /// The peer's IP address without the port.
    var remoteAddress: String
    /// Whether the connection is TLS.
    var isTLS: Bool
    /// The ALPN protocol the handshake settled on.
    var alpn: String?
    /// The RFC 2253 subject of the verified client certificate.
    var certificateSubject: String?
    /// The DER encoding of the verified client certificate.
    var certificateDER: [UInt8]?

    /// Reads the peer address and, for TLS bufferevents, the negotiated ALPN and verified client certificate.
    init(connection: OpaquePointer, isTLS: Bool) {
        var address: UnsafeMutablePointer<CChar>?
        var port: UInt16 = 0
        evhttp_connection_get_peer(connection, &address, &port)
        remoteAddress = address.map { String(cString: $0) } ?? ""
        self.isTLS = isTLS
        guard isTLS, let bufferEvent = evhttp_connection_get_bufferevent(connection),
            let ssl = bufferevent_openssl_get_ssl(bufferEvent)
        else { return }
        alpn = Self.negotiatedALPN(ssl)
        if let certificate = SSL_get0_peer_certificate(ssl), SSL_get_verify_result(ssl) == X509_V_OK {
            certificateSubject = Self.subject(of: certificate)
            certificateDER = Self.der(of: certificate)
        }
    }

    private static func negotiatedALPN(_ ssl: OpaquePointer) -> String? {
        var data: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &data, &length)
        guard let data, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    private static func subject(of certificate: OpaquePointer) -> String? {
        guard let bio = BIO_new(BIO_s_mem()) else { return nil }
        defer { BIO_free(bio) }
        guard X509_NAME_print_ex(bio, X509_get_subject_name(certificate), 0, coffer_XN_FLAG_RFC2253_UTF8()) >= 0 else {
            return nil
        }
        var data: UnsafeMutablePointer<CChar>?
        let length = coffer_BIO_get_mem_data(bio, &data)
        guard let data, length > 0 else { return "" }
        return UnsafeRawBufferPointer(start: data, count: length).withMemoryRebound(to: UInt8.self) {
            String(decoding: $0, as: UTF8.self)
        }
    }

    private static func der(of certificate: OpaquePointer) -> [UInt8]? {
        let length = i2d_X509(certificate, nil)
        guard length > 0 else { return nil }
        return [UInt8](unsafeUninitializedCapacity: Int(length)) { buffer, count in
            var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            count = max(0, Int(i2d_X509(certificate, &cursor)))
        }
    }
}
