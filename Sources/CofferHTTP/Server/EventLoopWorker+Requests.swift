import CEvent
import CofferBase

extension EventLoopWorker {
    /// evhttp's bufferevent factory: a TLS bufferevent when TLS is configured, with the buffer watchers.
    ///
    /// Returning `nil` would make libevent 2.1 fall back to a plain socket bufferevent, which then fails the
    /// TLS ClientHello as a malformed request; that only happens when OpenSSL is out of memory.
    static let makeBufferEvent: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> OpaquePointer? = {
        base, argument in
        guard let base, let argument else { return nil }
        return Unmanaged<EventLoopWorker>.fromOpaque(argument).takeUnretainedValue().makeBufferEvent(base: base)
    }

    /// evhttp's catch-all request callback.
    static let serveRequest: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Void = { request, argument in
        guard let request, let argument else { return }
        Unmanaged<EventLoopWorker>.fromOpaque(argument).takeUnretainedValue().serve(request)
    }

    private func makeBufferEvent(base: OpaquePointer) -> OpaquePointer? {
        let bufferEvent: OpaquePointer?
        if let tls {
            // With BEV_OPT_CLOSE_ON_FREE the bufferevent owns the SSL, also when its creation fails.
            guard let ssl = tls.makeSession() else { return nil }
            bufferEvent = bufferevent_openssl_socket_new(
                base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING, coffer_BEV_OPT_CLOSE_ON_FREE())
            // evhttp closes without close_notify, and many clients do too; treat that as a normal EOF.
            bufferEvent.map { bufferevent_openssl_set_allow_dirty_shutdown($0, 1) }
        } else {
            bufferEvent = bufferevent_socket_new(base, -1, coffer_BEV_OPT_CLOSE_ON_FREE())
        }
        guard let bufferEvent else { return nil }
        let table = Unmanaged.passUnretained(connections).toOpaque()
        evbuffer_add_cb(
            bufferevent_get_input(bufferEvent), ConnectionTable.inputChanged, UnsafeMutableRawPointer(bufferEvent))
        evbuffer_add_cb(bufferevent_get_output(bufferEvent), ConnectionTable.outputChanged, table)
        return bufferEvent
    }

    private func serve(_ request: OpaquePointer) {
        guard let connection = evhttp_request_get_connection(request) else { return }
        let key = UInt(bitPattern: UnsafeMutableRawPointer(connection))
        var state = connections.states[key] ?? ConnectionState()
        let input = evhttp_connection_get_bufferevent(connection).flatMap { bufferevent_get_input($0) }
        let wireMethod = state.takeMethod(nextInput: input)
        let peer = state.peer ?? ConnectionPeer(connection: connection, isTLS: tls != nil)
        state.peer = peer
        connections.update(key, state)

        let command = evhttp_request_get_command(request)
        let headers = EvhttpRequestReader.headers(of: request)
        let method: String
        if let known = EvhttpRequestReader.knownMethod(command) {
            method = known
        } else {
            guard let wireMethod, EvhttpRequestReader.knownMethodNames.contains(wireMethod) == false else {
                return reject(request, status: 501, message: "method not implemented")
            }
            method = wireMethod
        }
        // evhttp reads no body for HEAD or unknown methods; one that was sent anyway would be parsed as
        // the next request, so the connection has to end here.
        if method == "HEAD" || command.rawValue & UInt32(EvhttpRequestReader.unknownMethodBit) != 0,
            Self.announcesBody(headers)
        {
            return reject(request, status: 400, message: "a request body is not allowed with \(method)")
        }

        let target = EvhttpRequestReader.target(of: request)
        let incoming = HTTPRequest(
            method: method, path: target.path, query: target.query, headers: headers,
            body: EvhttpRequestReader.body(of: request), remoteAddress: peer.remoteAddress, isTLS: peer.isTLS,
            alpn: peer.alpn, peerCertificateSubject: peer.certificateSubject,
            peerCertificateDER: peer.certificateDER)
        if let pool, method != "GET", method != "HEAD" {
            let reply = DeferredReply(request: request, worker: self)
            outstandingReplies.started()
            let accepted = pool.submit { [handler] in
                reply.response = handler.handle(incoming)
                reply.worker.deliver(reply)
            }
            if accepted { return }
            outstandingReplies.finished()
        }
        let started = logger.level <= .trace ? Clock.monotonicNanoseconds() : 0
        let response = handler.handle(incoming)
        EvhttpResponseWriter.send(response, to: request, isHead: method == "HEAD", closeConnection: false)
        if logger.level <= .trace {
            let micros = (Clock.monotonicNanoseconds() - started) / 1000
            logger.trace(
                "request served",
                ["http.method": method, "http.status": String(response.status), "http.duration_us": String(micros)])
        }
    }

    /// The loop's side of ``deliver(_:)``: writes a reply a pool thread made.
    static let writeDeferredReply: @convention(c) (Int32, Int16, UnsafeMutableRawPointer?) -> Void = {
        _, _, argument in
        guard let argument else { return }
        let reply = Unmanaged<DeferredReply>.fromOpaque(argument).takeRetainedValue()
        // A client that hung up meanwhile left the request detached from its connection; evhttp then
        // frees it instead of writing.
        EvhttpResponseWriter.send(
            reply.response ?? HTTPResponse(status: 500), to: reply.request, isHead: false, closeConnection: false)
        reply.worker.outstandingReplies.finished()
    }

    private func reject(_ request: OpaquePointer, status: Int, message: String) {
        let body = JSON.object(["errors": .array([.string(message)])]).serialized()
        let response = HTTPResponse(status: status, headers: [("Content-Type", "application/json")], body: body)
        EvhttpResponseWriter.send(response, to: request, isHead: false, closeConnection: true)
        logger.trace("request rejected", ["http.status": String(status)])
    }

    private static func announcesBody(_ headers: [(name: String, value: String)]) -> Bool {
        headers.contains { header in
            header.name == "transfer-encoding"
                || (header.name == "content-length" && Int(header.value.filter { !$0.isWhitespace }) != 0)
        }
    }
}
