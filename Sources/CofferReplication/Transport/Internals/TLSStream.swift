import COpenSSL
import Glibc
import Synchronization

/// TLS over one non-blocking TCP socket, safe for one reading and one writing thread at the same time.
///
/// OpenSSL forbids concurrent calls on one `SSL`, so every call happens under `sessionLock`, which is held
/// only for the call itself: the socket is non-blocking, and waiting happens in `poll` outside the lock.
/// ``close()`` shuts the socket down without closing its descriptor, which wakes every waiter without the
/// risk of the descriptor number being reused under them.
// @unchecked: `session` is only used with `sessionLock` held; the socket and handshake state are immutable.
final class TLSStream: @unchecked Sendable {
    private let session: OpaquePointer
    private let socket: TCPSocket
    private let sessionLock = Mutex<Void>(())
    private let closed = Atomic<Bool>(false)
    /// The ClientHello callback's state, referenced unretained from the session's app data.
    private let serverHandshake: ServerHandshake?

    /// A server-side stream when `serverHandshake` is given, else a client offering `alpnOffer`.
    init(
        context: TLSContext, socket: TCPSocket, serverHandshake: ServerHandshake?, alpnOffer: [UInt8] = []
    ) throws(TransportError) {
        TLSFailure.clear()
        let session = try TLSFailure.require(SSL_new(context.pointer), "SSL_new")
        guard SSL_set_fd(session, socket.descriptor) == 1 else {
            let failure = TLSFailure.error(.tls, "SSL_set_fd")
            SSL_free(session)
            throw failure
        }
        if let serverHandshake {
            SSL_set_accept_state(session)
            _ = coffer_SSL_set_app_data(session, Unmanaged.passUnretained(serverHandshake).toOpaque())
        } else {
            SSL_set_connect_state(session)
            // Unusually for OpenSSL, 0 means success here.
            guard SSL_set_alpn_protos(session, alpnOffer, UInt32(alpnOffer.count)) == 0 else {
                let failure = TLSFailure.error(.tls, "SSL_set_alpn_protos")
                SSL_free(session)
                throw failure
            }
        }
        self.session = session
        self.socket = socket
        self.serverHandshake = serverHandshake
    }

    deinit { SSL_free(session) }

    /// Whether ``close()`` has been called, here or because a fatal error closed the stream.
    var isClosed: Bool { closed.load(ordering: .acquiring) }

    /// Runs the handshake to the end; every failure except the deadline and a local close is `tls`.
    func handshake(deadline: Deadline) throws(TransportError) {
        do throws(TransportError) {
            _ = try drive("the TLS handshake", deadline: deadline) { SSL_do_handshake($0) }
        } catch {
            guard error.code != .timeout, !isClosed else { throw error }
            throw TransportError(.tls, error.reason)
        }
    }

    /// Reads at least one byte into `buffer` and returns the count.
    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline?) throws(TransportError) -> Int {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return 0 }
        let count = Int32(clamping: buffer.count)
        return Int(try drive("SSL_read", deadline: deadline) { SSL_read($0, base, count) })
    }

    /// Writes all of `bytes`.
    func write(_ bytes: [UInt8], deadline: Deadline?) throws(TransportError) {
        var offset = 0
        while offset < bytes.count {
            let start = offset
            let written = try drive("SSL_write", deadline: deadline) { session in
                bytes.withUnsafeBytes { SSL_write(session, $0.baseAddress! + start, Int32(clamping: $0.count - start)) }
            }
            offset += Int(written)
        }
    }

    /// Sends close_notify if it can without waiting, then shuts the socket down; idempotent.
    func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        sessionLock.withLock { _ in
            if SSL_is_init_finished(session) == 1 {
                _ = SSL_shutdown(session)
            }
            TLSFailure.clear()
        }
        socket.shutdown()
    }

    /// The protocol the ClientHello callback chose, on a server-side stream whose handshake has read the hello.
    var chosenProtocol: ServedProtocol? { serverHandshake?.chosen }

    /// The ALPN protocol the handshake settled on, if any.
    var selectedALPN: String? {
        sessionLock.withLock { _ in
            var name: UnsafePointer<UInt8>? = nil
            var length: UInt32 = 0
            SSL_get0_alpn_selected(session, &name, &length)
            guard let name, length > 0 else { return nil }
            return String(decoding: UnsafeBufferPointer(start: name, count: Int(length)), as: UTF8.self)
        }
    }

    /// The peer's verified certificate; throws `tls` when there is none or verification did not succeed.
    func peerIdentity() throws(TransportError) -> PeerIdentity {
        let der = try sessionLock.withLock { (_) throws(TransportError) -> [UInt8] in
            guard SSL_get_verify_result(session) == Int(X509_V_OK) else {
                throw TransportError(.tls, "the peer certificate did not verify")
            }
            guard let certificate = SSL_get0_peer_certificate(session) else {
                throw TransportError(.tls, "the peer presented no certificate")
            }
            var encoded: UnsafeMutablePointer<UInt8>? = nil
            let length = i2d_X509(certificate, &encoded)
            guard length > 0, let encoded else { throw TLSFailure.error(.tls, "encoding the peer certificate") }
            defer { coffer_OPENSSL_free(encoded) }
            return Array(UnsafeBufferPointer(start: encoded, count: Int(length)))
        }
        return try PeerIdentity(der: der)
    }

    /// Retries `call` until it succeeds, waiting in `poll` whenever OpenSSL needs the socket to be ready.
    private func drive(
        _ operation: String, deadline: Deadline?, _ call: (OpaquePointer) -> Int32
    ) throws(TransportError) -> Int32 {
        while true {
            guard !isClosed else { throw TransportError(.closed, "the connection is closed") }
            let outcome = attempt(call)
            switch outcome.error {
            case SSL_ERROR_NONE: return outcome.result
            case SSL_ERROR_WANT_READ: try socket.wait(deadline: deadline)
            case SSL_ERROR_WANT_WRITE: try socket.wait(forWriting: true, deadline: deadline)
            default: throw failure(operation, outcome)
            }
        }
    }

    /// What one OpenSSL call returned, with its error details read on the same thread before anything else.
    private struct Outcome: Sendable {
        var result: Int32
        var error: Int32
        var systemError: Int32
        var detail: String?
    }

    private func attempt(_ call: (OpaquePointer) -> Int32) -> Outcome {
        sessionLock.withLock { _ in
            TLSFailure.clear()
            errno = 0
            let result = call(session)
            guard result <= 0 else { return Outcome(result: result, error: SSL_ERROR_NONE, systemError: 0) }
            let error = SSL_get_error(session, result)
            let systemError = errno
            var detail = TLSFailure.drain()
            let verification = SSL_get_verify_result(session)
            if error == SSL_ERROR_SSL, verification != Int(X509_V_OK) {
                let text = String(cString: X509_verify_cert_error_string(verification))
                detail = (detail.map { $0 + "; " } ?? "") + text
            }
            return Outcome(result: result, error: error, systemError: systemError, detail: detail)
        }
    }

    private func failure(_ operation: String, _ outcome: Outcome) -> TransportError {
        if isClosed { return TransportError(.closed, "the connection was closed locally") }
        switch outcome.error {
        case SSL_ERROR_ZERO_RETURN:
            return TransportError(.closed, "the peer closed the connection")
        case SSL_ERROR_SYSCALL:
            switch outcome.systemError {
            case 0: return TransportError(.closed, "the peer closed the connection")
            case ECONNRESET, EPIPE: return SystemFailure.error(.closed, operation, errno: outcome.systemError)
            default: return SystemFailure.error(.io, operation, errno: outcome.systemError)
            }
        default:
            return TransportError(.tls, "\(operation) failed" + (outcome.detail.map { ": " + $0 } ?? ""))
        }
    }
}
