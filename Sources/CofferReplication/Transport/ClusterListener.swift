import CofferBase

/// The cluster port: a TLS 1.3 server that requires client certificates and picks their CA by ALPN.
///
/// One certificate serves every protocol unless a protocol names its own. A client's ALPN list decides the
/// protocol, and with it the CA its certificate must chain to, before that certificate is read. A hello
/// that offers no served protocol is refused. After the handshake the optional peer filter can refuse the
/// peer (a revoked secondary, say); an accepted connection gets an acceptance frame and is handed to the
/// protocol's handler on a thread of its own, and is closed when the handler returns.
public final class ClusterListener: Sendable {
    /// The TCP port the listener is bound to; the real port when 0 was asked for.
    public let boundPort: Int
    private let core: ListenerCore

    /// Binds `host`:`port` (0 for an ephemeral port) and starts accepting connections.
    ///
    /// - Parameters:
    ///   - identity: the certificate and key shown to clients; its `trustedCAPEM` is not used.
    ///   - protocols: the ALPN protocols served, each with its own client CA and handler.
    ///   - peerFilter: called on the connection's thread after the handshake; `false` closes the connection.
    ///   - maximumFrameSize: frames announcing more are refused and their connection closed.
    ///   - handshakeTimeoutMilliseconds: a client that has not finished its handshake by then is dropped.
    ///   - maximumConnections: connections (including unfinished handshakes) beyond this are closed at once,
    ///     because each one holds a thread.
    ///   - logger: receives refused peers (info) and failed handshakes (debug); nothing if `nil`.
    /// - Throws: `tls` when a certificate, key or CA cannot be used, `io` when the port cannot be bound.
    public init(
        host: String, port: Int, identity: ClusterTLSIdentity, protocols: [ClusterProtocol],
        peerFilter: (@Sendable (_ alpn: String, _ peer: PeerIdentity) -> Bool)? = nil,
        maximumFrameSize: Int = FrameCodec.defaultMaximumFrameSize, handshakeTimeoutMilliseconds: Int = 10_000,
        maximumConnections: Int = 256, logger: Logger? = nil
    ) throws(TransportError) {
        BrokenPipe.ignore()
        let settings = ListenerCore.Settings(
            context: try TLSContext.server(identity: identity), protocols: try Self.compile(protocols),
            peerFilter: peerFilter)
        let socket = try TCPSocket.listen(host: host, port: port)
        boundPort = try socket.localPort()
        core = try ListenerCore(
            socket: socket, settings: settings, codec: FrameCodec(maximumFrameSize: maximumFrameSize),
            handshakeTimeout: handshakeTimeoutMilliseconds, maximumConnections: maximumConnections, logger: logger)
        try core.start()
    }

    deinit { core.stop() }

    /// Replaces the served protocols for connections accepted from now on.
    ///
    /// Open connections keep running; close them with ``closeConnections(where:)`` when their trust is gone.
    public func setProtocols(_ protocols: [ClusterProtocol]) throws(TransportError) {
        let compiled = try Self.compile(protocols)
        core.settings.withLock { $0.protocols = compiled }
    }

    /// Replaces the server certificate and key for connections accepted from now on.
    public func setIdentity(_ identity: ClusterTLSIdentity) throws(TransportError) {
        let context = try TLSContext.server(identity: identity)
        core.settings.withLock { $0.context = context }
    }

    /// Replaces the peer filter for connections accepted from now on; `nil` accepts every verified peer.
    public func setPeerFilter(_ filter: (@Sendable (_ alpn: String, _ peer: PeerIdentity) -> Bool)?) {
        core.settings.withLock { $0.peerFilter = filter }
    }

    /// Closes every open connection whose protocol and peer match, such as a revoked secondary's; returns the count.
    @discardableResult
    public func closeConnections(where predicate: (_ alpn: String, _ peer: PeerIdentity) -> Bool) -> Int {
        core.closeConnections(where: predicate)
    }

    /// How many accepted connections are open.
    public var connectionCount: Int { core.connectionCount }

    /// Stops listening, closes every connection, and waits for all handlers to return; idempotent.
    ///
    /// A handler blocked in ``ClusterConnection/receive(timeoutMilliseconds:)`` gets `closed`; handlers must
    /// return once their connection is closed. Called from a handler, it waits for every other handler.
    public func stop() {
        core.stop()
    }

    private static func compile(_ protocols: [ClusterProtocol]) throws(TransportError) -> [ServedProtocol] {
        var compiled: [ServedProtocol] = []
        for definition in protocols {
            compiled.append(try ServedProtocol(definition))
        }
        return compiled
    }
}
