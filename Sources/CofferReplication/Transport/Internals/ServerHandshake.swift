import COpenSSL

/// The per-connection state OpenSSL's server callbacks read: the protocols on offer and the one chosen.
///
/// The ClientHello callback picks the protocol and installs its client trust store before the client's
/// certificate arrives, which is what lets each ALPN protocol have its own CA on one port. An `SSL` reaches
/// this object through its app data; the owning ``TLSStream`` keeps it alive for the whole handshake.
final class ServerHandshake {
    private let protocols: [ServedProtocol]
    /// The protocol picked from the client's ALPN list, once the ClientHello has been read.
    private(set) var chosen: ServedProtocol?

    /// A handshake offering `protocols`, as they stood when the connection was accepted.
    init(protocols: [ServedProtocol]) {
        self.protocols = protocols
    }

    /// The first protocol in the client's list that this listener serves.
    private func choose(from list: UnsafeBufferPointer<UInt8>) -> ServedProtocol? {
        guard let ranges = ALPNWire.ranges(in: list) else { return nil }
        for range in ranges {
            if let match = protocols.first(where: { list[range].elementsEqual($0.name) }) {
                return match
            }
        }
        return nil
    }

    /// Requires a client certificate chaining to `served`'s CA and shows `served`'s own certificate, if any.
    private func apply(_ served: ServedProtocol, to session: OpaquePointer) -> Bool {
        SSL_set_verify(session, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nil)
        guard coffer_SSL_set1_verify_cert_store(session, served.trust.pointer) == 1 else { return false }
        return served.serverCredentials?.install(onSession: session) ?? true
    }

    private static func state(of session: OpaquePointer) -> ServerHandshake? {
        guard let data = coffer_SSL_get_app_data(session) else { return nil }
        return Unmanaged<ServerHandshake>.fromOpaque(data).takeUnretainedValue()
    }

    /// `SSL_CTX_set_client_hello_cb`: refuses a hello without a served ALPN protocol, else sets up its trust.
    static let clientHelloCallback:
        @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int32>?, UnsafeMutableRawPointer?) -> Int32 = {
            session, alert, _ in
            guard let session, let handshake = state(of: session) else { return SSL_CLIENT_HELLO_ERROR }
            var body: UnsafePointer<UInt8>? = nil
            var length = 0
            let type = UInt32(TLSEXT_TYPE_application_layer_protocol_negotiation)
            guard SSL_client_hello_get0_ext(session, type, &body, &length) == 1,
                let list = ALPNWire.listInExtension(UnsafeBufferPointer(start: body, count: length)),
                let served = handshake.choose(from: list)
            else {
                alert?.pointee = SSL_AD_NO_APPLICATION_PROTOCOL
                return SSL_CLIENT_HELLO_ERROR
            }
            guard handshake.apply(served, to: session) else {
                alert?.pointee = SSL_AD_INTERNAL_ERROR
                return SSL_CLIENT_HELLO_ERROR
            }
            handshake.chosen = served
            return SSL_CLIENT_HELLO_SUCCESS
        }

    /// `SSL_CTX_set_alpn_select_cb`: answers with the protocol the ClientHello callback chose.
    static let alpnSelectCallback:
        @convention(c) (
            OpaquePointer?, UnsafeMutablePointer<UnsafePointer<UInt8>?>?, UnsafeMutablePointer<UInt8>?,
            UnsafePointer<UInt8>?, UInt32, UnsafeMutableRawPointer?
        ) -> Int32 = { session, out, outLength, offered, offeredLength, _ in
            guard let session, let out, let outLength, let offered,
                let chosen = state(of: session)?.chosen
            else { return SSL_TLSEXT_ERR_ALERT_FATAL }
            let list = UnsafeBufferPointer(start: offered, count: Int(offeredLength))
            guard let range = ALPNWire.ranges(in: list)?.first(where: { list[$0].elementsEqual(chosen.name) }) else {
                return SSL_TLSEXT_ERR_ALERT_FATAL
            }
            // OpenSSL copies the name out of `offered` before that buffer goes away.
            out.pointee = offered + range.lowerBound
            outLength.pointee = UInt8(range.count)
            return SSL_TLSEXT_ERR_OK
        }
}
