import CofferBase
import Glibc
import Synchronization

/// The state a ``ClusterListener`` shares with its accept thread and connection threads.
///
/// Threads hold this object rather than the listener, so that dropping the listener can still stop them.
final class ListenerCore: Sendable {
    /// Checks a verified peer after the handshake; `false` closes the connection before the handler runs.
    typealias PeerFilter = @Sendable (_ alpn: String, _ peer: PeerIdentity) -> Bool

    /// What new connections are accepted with; replaced as a whole, read once per connection.
    struct Settings: Sendable {
        /// The server context, holding the listener's own certificate.
        var context: TLSContext
        /// The protocols offered, in the listener's order.
        var protocols: [ServedProtocol]
        /// The check run on each verified peer, if any.
        var peerFilter: PeerFilter?
    }

    /// The open streams, and whether the listener has stopped admitting new ones.
    private struct Registry: Sendable {
        var stopped = false
        var streams: [ObjectIdentifier: TLSStream] = [:]
        var connections: [ObjectIdentifier: ClusterConnection] = [:]
    }

    /// What the next accepted connection gets; the listener's setters replace parts of it.
    let settings: Mutex<Settings>
    /// The listening socket until ``stop()``; the accept thread holds its own reference while it runs.
    private let listening: Mutex<TCPSocket?>
    private let registry = Mutex(Registry())
    private let wake: WakePipe
    private let threads = ThreadGroup()
    private let codec: FrameCodec
    private let handshakeTimeout: Int
    private let maximumConnections: Int
    private let logger: Logger?

    /// A core serving `settings` on an already listening `socket`.
    init(
        socket: TCPSocket, settings: Settings, codec: FrameCodec, handshakeTimeout: Int, maximumConnections: Int,
        logger: Logger?
    ) throws(TransportError) {
        self.listening = Mutex(socket)
        self.settings = Mutex(settings)
        self.wake = try WakePipe()
        self.codec = codec
        self.handshakeTimeout = handshakeTimeout
        self.maximumConnections = maximumConnections
        self.logger = logger
    }

    /// Starts the accept thread.
    func start() throws(TransportError) {
        guard let socket = listening.withLock({ $0 }) else { return }
        try threads.spawn { [self] in acceptLoop(socket) }
    }

    /// Stops accepting, closes every stream, and waits for every thread to finish; idempotent.
    func stop() {
        let streams = registry.withLock { registry -> [TLSStream] in
            registry.stopped = true
            return Array(registry.streams.values)
        }
        wake.signal()
        // On Linux, shutting a listening socket down stops it listening, so new connections are refused at once;
        // the descriptor itself closes when the accept thread has let go of it too.
        listening.withLock { $0 }?.shutdown()
        listening.withLock { $0 = nil }
        for stream in streams {
            stream.close()
        }
        threads.waitUntilIdle()
    }

    /// Closes the open connections for which `predicate` is true and returns how many it closed.
    func closeConnections(where predicate: (String, PeerIdentity) -> Bool) -> Int {
        let connections = registry.withLock { Array($0.connections.values) }
        let matching = connections.filter { predicate($0.alpn, $0.peer) }
        for connection in matching {
            connection.close()
        }
        return matching.count
    }

    /// How many connections have passed the handshake and the peer filter and are still open.
    var connectionCount: Int {
        registry.withLock { $0.connections.values.filter { !$0.isClosed }.count }
    }

    private func acceptLoop(_ socket: TCPSocket) {
        var entries = [
            pollfd(fd: socket.descriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wake.readDescriptor, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            entries[0].revents = 0
            entries[1].revents = 0
            guard poll(&entries, 2, -1) >= 0 || errno == EINTR else {
                logger?.error("cluster port poll failed", ["transport.error": SystemFailure.text(errno)])
                return
            }
            if entries[1].revents != 0 { return }
            do throws(TransportError) {
                while let accepted = try socket.accept() {
                    admit(accepted)
                }
            } catch {
                guard !registry.withLock({ $0.stopped }) else { return }
                logger?.warning("cluster port accept failed", ["transport.error": error.description])
                // Out of descriptors, say: pause instead of spinning, but still wake at once for stop().
                var wakeEntry = entries[1]
                _ = poll(&wakeEntry, 1, 100)
            }
        }
    }

    private func admit(_ socket: TCPSocket) {
        let current = settings.withLock { $0 }
        do throws(TransportError) {
            let handshake = ServerHandshake(protocols: current.protocols)
            let stream = try TLSStream(context: current.context, socket: socket, serverHandshake: handshake)
            let key = ObjectIdentifier(stream)
            let admitted = registry.withLock { registry in
                // Each stream costs a thread, so a flood of half-open connections must not grow without bound.
                guard !registry.stopped, registry.streams.count < maximumConnections else { return false }
                registry.streams[key] = stream
                return true
            }
            guard admitted else {
                logger?.warning("cluster connection dropped: listener stopped or full")
                return
            }
            do throws(TransportError) {
                try threads.spawn { [self] in serve(stream, peerFilter: current.peerFilter) }
            } catch {
                _ = registry.withLock { $0.streams.removeValue(forKey: key) }
                throw error
            }
        } catch {
            logger?.warning("cluster connection not started", ["transport.error": error.description])
        }
    }

    private func serve(_ stream: TLSStream, peerFilter: PeerFilter?) {
        let key = ObjectIdentifier(stream)
        defer {
            stream.close()
            registry.withLock { registry in
                registry.streams[key] = nil
                registry.connections[key] = nil
            }
        }
        do throws(TransportError) {
            try stream.handshake(deadline: Deadline(millisecondsFromNow: handshakeTimeout))
            guard let served = stream.chosenProtocol, stream.selectedALPN == served.definition.alpn else {
                throw TransportError(.tls, "the handshake ended without a served ALPN protocol")
            }
            let alpn = served.definition.alpn
            let peer = try stream.peerIdentity()
            if let peerFilter, !peerFilter(alpn, peer) {
                logger?.info("cluster peer refused", ["cluster.alpn": alpn, "cluster.peer": peer.commonName ?? ""])
                return
            }
            let connection = ClusterConnection(stream: stream, alpn: alpn, peer: peer, codec: codec)
            let admitted = registry.withLock { registry in
                guard !registry.stopped else { return false }
                registry.connections[key] = connection
                return true
            }
            guard admitted else { return }
            try connection.send(Frame(type: Frame.acceptanceType))
            served.definition.handler(connection)
        } catch {
            logger?.debug("cluster connection failed", ["transport.error": error.description])
        }
    }
}
