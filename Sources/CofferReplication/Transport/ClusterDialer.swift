/// Opens client connections to another node's cluster port.
public enum ClusterDialer {
    /// Connects, completes TLS 1.3 with `identity`'s certificate, and waits until the listener accepts us.
    ///
    /// The server's chain must lead to one of `identity`'s trusted CAs; its host name and addresses are not
    /// checked, because cluster certificates name nodes rather than the addresses they are dialled at.
    /// Exactly `alpn` is offered, and the server must select it.
    ///
    /// Under TLS 1.3 the server judges the client's certificate after the client's side of the handshake
    /// has finished, so a refusal would otherwise show up only at the first read. The listener therefore
    /// sends an acceptance frame (``Frame/acceptanceType``) once it has verified and filtered the peer, and
    /// this call reads it: a refused certificate, a refused peer or a missing protocol all fail here with `tls`.
    ///
    /// Name resolution (`getaddrinfo`) is not bounded by `timeoutMilliseconds`; cluster addresses are usually
    /// IP addresses or names in a local resolver.
    ///
    /// - Throws: `connect` when no TCP connection could be made, `tls` when the handshake failed or the server
    ///   refused us, `timeout` when `timeoutMilliseconds` passed first.
    public static func connect(
        host: String, port: Int, alpn: String, identity: ClusterTLSIdentity, timeoutMilliseconds: Int,
        maximumFrameSize: Int = FrameCodec.defaultMaximumFrameSize
    ) throws(TransportError) -> ClusterConnection {
        try connect(
            host: host, port: port, alpn: alpn, identity: identity, timeoutMilliseconds: timeoutMilliseconds,
            maximumFrameSize: maximumFrameSize, presentCertificate: true)
    }

    /// ``connect(host:port:alpn:identity:timeoutMilliseconds:maximumFrameSize:)``, optionally without a client
    /// certificate, which only tests want.
    static func connect(
        host: String, port: Int, alpn: String, identity: ClusterTLSIdentity, timeoutMilliseconds: Int,
        maximumFrameSize: Int, presentCertificate: Bool
    ) throws(TransportError) -> ClusterConnection {
        BrokenPipe.ignore()
        let deadline = Deadline(millisecondsFromNow: timeoutMilliseconds)
        let offer = try ALPNWire.encode([alpn])
        let context = try TLSContext.client(identity: identity, presentCertificate: presentCertificate)
        let socket = try TCPSocket.connect(host: host, port: port, deadline: deadline)
        let stream = try TLSStream(context: context, socket: socket, serverHandshake: nil, alpnOffer: offer)
        do throws(TransportError) {
            try stream.handshake(deadline: deadline)
            guard stream.selectedALPN == alpn else {
                throw TransportError(.tls, "the server did not select the protocol \(alpn)")
            }
            let connection = ClusterConnection(
                stream: stream, alpn: alpn, peer: try stream.peerIdentity(),
                codec: FrameCodec(maximumFrameSize: maximumFrameSize))
            try awaitAcceptance(on: connection, deadline: deadline)
            return connection
        } catch {
            stream.close()
            throw error
        }
    }

    /// Reads the listener's acceptance frame; whatever ends the connection before it counts as a refusal.
    private static func awaitAcceptance(on connection: ClusterConnection, deadline: Deadline) throws(TransportError) {
        let frame: Frame
        do throws(TransportError) {
            frame = try connection.receive(timeoutMilliseconds: Int(deadline.remainingMilliseconds))
        } catch {
            guard error.code != .timeout else { throw error }
            throw TransportError(.tls, "the server refused this client after the handshake: \(error.reason)")
        }
        guard frame.type == Frame.acceptanceType, frame.payload.isEmpty else {
            throw TransportError(.protocolViolation, "the server's first frame was not an acceptance")
        }
    }

    /// Splits a cluster address into host and port.
    ///
    /// Accepts `https://host:port`, `host:port` and `[v6]:port` (with or without `https://`), and a trailing
    /// `/`; returns `nil` for anything else, including a missing port or an unbracketed IPv6 address.
    public static func parseAddress(_ url: String) -> (host: String, port: Int)? {
        var rest = Substring(url)
        if rest.hasPrefix("https://") {
            rest = rest.dropFirst("https://".count)
        } else if rest.contains("://") {
            return nil
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        let host: Substring
        let portText: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let afterHost = rest[rest.index(after: close)...]
            guard afterHost.hasPrefix(":") else { return nil }
            portText = afterHost.dropFirst()
        } else {
            guard let colon = rest.lastIndex(of: ":"), rest.firstIndex(of: ":") == colon else { return nil }
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        }
        guard !host.isEmpty, !host.contains("/"), portText.allSatisfy({ $0.isASCII && $0.isNumber }),
            let port = Int(portText),
            (1...65_535).contains(port)
        else { return nil }
        return (String(host), port)
    }
}
