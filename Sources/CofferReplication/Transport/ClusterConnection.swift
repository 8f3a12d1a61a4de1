import Synchronization

/// One authenticated cluster-port connection that carries frames both ways.
///
/// One thread may receive while another sends; concurrent senders are serialised, and concurrent receivers
/// take turns. Any failure other than a receive timeout closes the connection, because a half-read or
/// half-written frame leaves the stream unusable.
///
/// OpenSSL writes with `write(2)`, so a peer that vanished raises SIGPIPE; the transport sets SIGPIPE to be
/// ignored the first time a listener or dialer is used, as every Coffer process does anyway.
public final class ClusterConnection: Sendable {
    /// The ALPN protocol both sides agreed on.
    public let alpn: String
    /// The peer, as its verified certificate names it.
    public let peer: PeerIdentity
    /// The codec whose size limit applies to frames sent and received here.
    public let codec: FrameCodec
    private let stream: TLSStream
    private let reader: Mutex<FrameAssembler>
    private let writer = Mutex<Void>(())
    private let sendTimeout = Atomic<Int>(30_000)

    /// A connection over a stream whose handshake has finished.
    init(stream: TLSStream, alpn: String, peer: PeerIdentity, codec: FrameCodec) {
        self.stream = stream
        self.alpn = alpn
        self.peer = peer
        self.codec = codec
        self.reader = Mutex(FrameAssembler(codec: codec))
    }

    deinit { stream.close() }

    /// Whether the connection has been closed, locally or after a failure.
    public var isClosed: Bool { stream.isClosed }

    /// How long a send may wait for the peer to make room before the connection is closed; 30 s by default.
    public var sendTimeoutMilliseconds: Int {
        get { sendTimeout.load(ordering: .relaxed) }
        set { sendTimeout.store(newValue, ordering: .relaxed) }
    }

    /// Sends one frame.
    ///
    /// Throws `frameTooLarge` (the connection stays open) when the frame exceeds the codec's limit, `closed`
    /// when the connection is or becomes closed, `timeout` when the peer does not read in time.
    public func send(_ frame: Frame) throws(TransportError) {
        try send([frame])
    }

    /// Sends several frames with one write, in order.
    public func send(_ frames: [Frame]) throws(TransportError) {
        let bytes: [UInt8]
        do throws(FrameError) {
            bytes = try codec.encode(frames)
        } catch {
            throw TransportError(.frameTooLarge, error.reason)
        }
        let deadline = Deadline(millisecondsFromNow: sendTimeoutMilliseconds)
        try writer.withLock { (_) throws(TransportError) in
            do throws(TransportError) {
                try stream.write(bytes, deadline: deadline)
            } catch {
                stream.close()
                throw error
            }
        }
    }

    /// The next frame from the peer, waiting at most `timeoutMilliseconds` (`nil` waits without limit).
    ///
    /// A timeout leaves the connection open and keeps any part of a frame already read for the next call.
    /// Throws `closed` once the peer or this side closed the connection, `tls` when the peer's TLS layer
    /// failed or refused us, and `frameTooLarge` or `protocolViolation` (closing the connection) when the
    /// peer broke the frame format.
    public func receive(timeoutMilliseconds: Int? = nil) throws(TransportError) -> Frame {
        let deadline = timeoutMilliseconds.map { Deadline(millisecondsFromNow: $0) }
        return try reader.withLock { (assembler) throws(TransportError) -> Frame in
            do throws(TransportError) {
                while true {
                    let frame = try assembler.step { (buffer) throws(TransportError) -> Int in
                        try stream.read(into: buffer, deadline: deadline)
                    }
                    if let frame { return frame }
                }
            } catch {
                // A timeout leaves the stream intact; anything else leaves it mid-frame or dead.
                if error.code != .timeout { stream.close() }
                throw error
            }
        }
    }

    /// Closes the connection: a pending or later send or receive throws `closed`; idempotent.
    public func close() {
        stream.close()
    }
}
