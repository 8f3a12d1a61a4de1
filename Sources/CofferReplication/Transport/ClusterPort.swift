import CofferBase
import Synchronization

/// The node's one cluster port, shared by the protocols that come and go with its roles: request
/// forwarding while it is the active node (`coffer-fw-v1`), replication while its cluster is the
/// primary (`coffer-repl-v1`). It listens while at least one protocol is served.
public final class ClusterPort: Sendable {
    /// One served protocol and the filter for its peers.
    public struct Service: Sendable {
        public let proto: ClusterProtocol
        public let peerFilter: (@Sendable (PeerIdentity) -> Bool)?

        public init(proto: ClusterProtocol, peerFilter: (@Sendable (PeerIdentity) -> Bool)? = nil) {
            self.proto = proto
            self.peerFilter = peerFilter
        }
    }

    private struct State {
        var services: [String: Service] = [:]
        var listener: ClusterListener?
    }

    private let host: String
    private let port: Int
    private let logger: Logger
    private let state = Mutex(State())

    public init(host: String, port: Int, logger: Logger) {
        self.host = host
        self.port = port
        self.logger = logger
    }

    /// Serves `service` (replacing a service of the same ALPN); starts listening if needed.
    public func serve(_ service: Service) throws(TransportError) {
        try state.withLock { (state) throws(TransportError) in
            state.services[service.proto.alpn] = service
            try apply(&state)
        }
    }

    /// Stops serving an ALPN and closes its connections; stops listening when nothing is left.
    public func withdraw(_ alpn: String) {
        let stopping = state.withLock { state -> ClusterListener? in
            guard state.services.removeValue(forKey: alpn) != nil else { return nil }
            if state.services.isEmpty {
                let listener = state.listener
                state.listener = nil
                return listener
            }
            _ = state.listener?.closeConnections { connectionALPN, _ in connectionALPN == alpn }
            try? apply(&state)
            return nil
        }
        stopping?.stop()
    }

    /// Closes the open connections of one protocol whose peer matches.
    public func closeConnections(alpn: String, where predicate: (PeerIdentity) -> Bool) {
        let listener = state.withLock { $0.listener }
        _ = listener?.closeConnections { connectionALPN, peer in connectionALPN == alpn && predicate(peer) }
    }

    /// Stops everything (agent shutdown).
    public func stop() {
        let listener = state.withLock { state -> ClusterListener? in
            state.services.removeAll()
            let listener = state.listener
            state.listener = nil
            return listener
        }
        listener?.stop()
    }

    private func apply(_ state: inout State) throws(TransportError) {
        let protocols = state.services.values.map(\.proto)
        let filters = state.services.mapValues(\.peerFilter)
        let filter: @Sendable (String, PeerIdentity) -> Bool = { alpn, peer in
            guard let entry = filters[alpn] else { return false }
            return entry?(peer) ?? true
        }
        if let listener = state.listener {
            try listener.setProtocols(protocols)
            listener.setPeerFilter(filter)
            return
        }
        guard let identity = protocols.first?.serverIdentity else { return }
        state.listener = try ClusterListener(
            host: host, port: port, identity: identity, protocols: protocols, peerFilter: filter,
            logger: logger.named("coffer.cluster.listener"))
    }
}
