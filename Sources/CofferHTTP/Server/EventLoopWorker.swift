import CEvent
import CofferBase
import Glibc

/// One event-loop thread: its own `event_base` and `evhttp`, accepting on its own SO_REUSEPORT socket.
///
/// All libevent callbacks of a worker run on its thread and reach the worker (or its connection table)
/// through unretained pointers; the server keeps the worker alive until that thread has been joined.
// @unchecked: the libevent handles and `connections` are touched only on the worker's own thread; the
// one cross-thread call, event_active in requestStop, is locked by libevent (evthread_use_pthreads).
final class EventLoopWorker: @unchecked Sendable {
    private let base: OpaquePointer
    private let http: OpaquePointer
    private let stopEvent: OpaquePointer
    /// The shared TLS context, or `nil` for plain HTTP.
    let tls: ServerTLSContext?
    /// Answers the requests this worker reads.
    let handler: any HTTPHandler
    /// Receives per-request lines, at trace level only.
    let logger: Logger
    /// A separate object, so close callbacks that evhttp_free runs during deinit do not touch this one.
    let connections = ConnectionTable()
    /// Where requests that may block are handled; `nil` handles every request on the loop.
    let pool: BlockingPool?
    /// Replies made on a pool thread and not yet written by the loop; the server waits for them on stop.
    let outstandingReplies: OutstandingReplies

    /// Creates the loop and its evhttp, and takes over `socket`; the loop runs once ``run()`` is called.
    init(
        socket: ListeningSocket, configuration: HTTPServerConfiguration, tls: ServerTLSContext?,
        handler: any HTTPHandler, logger: Logger, pool: BlockingPool?, outstandingReplies: OutstandingReplies
    ) throws(HTTPServerError) {
        guard let base = event_base_new() else {
            throw HTTPServerError(code: .eventLoop, reason: "event_base_new failed")
        }
        guard let http = evhttp_new(base) else {
            event_base_free(base)
            throw HTTPServerError(code: .eventLoop, reason: "evhttp_new failed")
        }
        let baseArgument = UnsafeMutableRawPointer(base)
        guard let stopEvent = event_new(base, -1, 0, Self.breakLoop, baseArgument) else {
            evhttp_free(http)
            event_base_free(base)
            throw HTTPServerError(code: .eventLoop, reason: "event_new failed")
        }
        self.base = base
        self.http = http
        self.stopEvent = stopEvent
        self.tls = tls
        self.handler = handler
        self.logger = logger
        self.pool = pool
        self.outstandingReplies = outstandingReplies
        try configure(configuration, socket: socket)
    }

    deinit {
        // Frees the listener and every open connection; their close callbacks reach `connections`.
        evhttp_free(http)
        // A bufferevent with a deferred callback still queued holds a reference that event_base_free would
        // cancel but never drop, leaking the connection; running the queued callbacks (and the finalizers
        // they release) first frees everything.
        var rounds = 0
        while event_base_get_num_events(base, UInt32(EVENT_BASE_COUNT_ACTIVE)) > 0, rounds < 64 {
            event_base_loop(base, EVLOOP_NONBLOCK)
            rounds += 1
        }
        event_free(stopEvent)
        event_base_free(base)
    }

    /// Hands a reply made on another thread to this loop, which writes it (`event_base_once`, which
    /// libevent locks and which wakes the loop).
    func deliver(_ reply: DeferredReply) {
        var now = timeval(tv_sec: 0, tv_usec: 0)
        let argument = Unmanaged.passRetained(reply).toOpaque()
        if event_base_once(base, -1, Int16(EV_TIMEOUT), Self.writeDeferredReply, argument, &now) != 0 {
            Unmanaged<DeferredReply>.fromOpaque(argument).release()
            outstandingReplies.finished()
            logger.error("could not hand a reply to its event loop; the client's request stays unanswered")
        }
    }

    /// Runs the loop on the calling thread until ``requestStop()``.
    func run() {
        pthread_setspecific(Self.currentKey, Unmanaged.passUnretained(connections).toOpaque())
        event_base_dispatch(base)
        pthread_setspecific(Self.currentKey, nil)
    }

    /// Asks the loop to exit; safe from any thread, and also before the loop has started.
    func requestStop() {
        // An activated event survives until the loop runs, unlike event_base_loopbreak, whose flag is
        // cleared when event_base_loop starts.
        event_active(stopEvent, EV_READ, 0)
    }

    private func configure(_ configuration: HTTPServerConfiguration, socket: ListeningSocket) throws(HTTPServerError) {
        evhttp_set_max_body_size(http, configuration.maxBodyBytes)
        evhttp_set_max_headers_size(http, configuration.maxHeaderBytes)
        evhttp_set_timeout(http, Int32(clamping: configuration.idleTimeoutSeconds))
        evhttp_set_allowed_methods(http, EvhttpRequestReader.allowedMethods)
        // Without this evhttp labels every body text/html.
        evhttp_set_default_content_type(http, nil)
        // Drain an oversized body before answering 413, so the client reads the answer instead of a reset.
        _ = evhttp_set_flags(http, EVHTTP_SERVER_LINGERING_CLOSE)
        let argument = Unmanaged.passUnretained(self).toOpaque()
        evhttp_set_bevcb(http, Self.makeBufferEvent, argument)
        evhttp_set_gencb(http, Self.serveRequest, argument)
        guard evhttp_accept_socket_with_handle(http, socket.descriptor) != nil else {
            throw HTTPServerError(code: .eventLoop, reason: "evhttp_accept_socket_with_handle failed")
        }
        _ = socket.transfer()
    }

    /// The connection table of the worker whose loop runs on this thread; input-buffer callbacks find it
    /// this way, because their argument has to be the bufferevent itself.
    static var currentConnections: ConnectionTable? {
        pthread_getspecific(currentKey).map { Unmanaged<ConnectionTable>.fromOpaque($0).takeUnretainedValue() }
    }

    private static let currentKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    private static let breakLoop: @convention(c) (Int32, Int16, UnsafeMutableRawPointer?) -> Void = { _, _, base in
        guard let base else { return }
        event_base_loopbreak(OpaquePointer(base))
    }
}
