import Foundation
import Testing

@testable import CofferReplication

struct TransportConnectionTests {
    /// A listener with echo handlers and one replication client connected to it.
    private func connectedPair(
        clientMaximumFrameSize: Int = FrameCodec.defaultMaximumFrameSize
    ) throws -> (ClusterListener, ClusterConnection, Mailbox<HandlerEvent>) {
        let pki = TransportPKI.shared
        let events = Mailbox<HandlerEvent>()
        let listener = try TransportHarness.standardListener(events: events)
        let identity = try pki.replication.identity(commonName: "secondary-1", trusting: pki.cluster)
        let connection = try ClusterDialer.connect(
            host: "127.0.0.1", port: listener.boundPort, alpn: TransportPKI.replicationALPN, identity: identity,
            timeoutMilliseconds: 3_000, maximumFrameSize: clientMaximumFrameSize)
        #expect(events.take() == .accepted(alpn: TransportPKI.replicationALPN, commonName: "secondary-1"))
        return (listener, connection, events)
    }

    @Test func receiveTimesOutAndTheConnectionStaysUsable() throws {
        let (listener, connection, _) = try connectedPair()
        defer { listener.stop() }
        let clock = ContinuousClock()
        let start = clock.now
        let code = TransportHarness.failureCode { () throws(TransportError) in
            try connection.receive(timeoutMilliseconds: 50)
        }
        #expect(code == .timeout)
        #expect(clock.now - start >= .milliseconds(50))
        #expect(!connection.isClosed)
        try connection.send(Frame(type: 9))
        #expect(try connection.receive(timeoutMilliseconds: 3_000) == Frame(type: 9))
    }

    @Test func framesSentTogetherArriveInOrder() throws {
        let (listener, connection, _) = try connectedPair()
        defer { listener.stop() }
        let frames = (1...5).map {
            Frame(type: UInt8($0), version: 1, payload: [UInt8](repeating: UInt8($0), count: $0))
        }
        try connection.send(frames)
        for expected in frames {
            #expect(try connection.receive(timeoutMilliseconds: 3_000) == expected)
        }
    }

    @Test func megabytePayloadRoundTrips() throws {
        let (listener, connection, _) = try connectedPair()
        defer { listener.stop() }
        var generator = SystemRandomNumberGenerator()
        let payload = (0..<1_048_576).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try connection.send(Frame(type: 4, version: 3, payload: payload))
        let echoed = try connection.receive(timeoutMilliseconds: 5_000)
        #expect(echoed.type == 4)
        #expect(echoed.version == 3)
        #expect(echoed.payload == payload)
    }

    @Test func oneThreadSendsWhileAnotherReceives() throws {
        let (listener, connection, _) = try connectedPair()
        defer { listener.stop() }
        let count = 200
        let sendFailure = Mailbox<String>()
        let sender = Thread {
            for index in 0..<count {
                do throws(TransportError) {
                    try connection.send(Frame(type: 1, payload: BinaryWriter.uint32(UInt32(index))))
                } catch {
                    sendFailure.put(error.description)
                    return
                }
            }
        }
        sender.start()
        for index in 0..<count {
            var reader = BinaryReader(try connection.receive(timeoutMilliseconds: 5_000).payload)
            #expect(try reader.readUInt32() == UInt32(index))
        }
        #expect(sendFailure.isEmpty)
    }

    @Test func closeWakesABlockedReceiverAndFailsLaterCalls() throws {
        let (listener, connection, events) = try connectedPair()
        defer { listener.stop() }
        let received = Mailbox<TransportError.Code?>()
        Thread {
            received.put(TransportHarness.failureCode { () throws(TransportError) in try connection.receive() })
        }.start()
        connection.close()
        #expect(received.take() == .closed)
        #expect(connection.isClosed)
        #expect(
            TransportHarness.failureCode { () throws(TransportError) in try connection.send(Frame(type: 1)) } == .closed
        )
        #expect(events.take() == .ended(.closed))
    }

    @Test func sendingAboveTheLimitFailsButKeepsTheConnection() throws {
        let (listener, connection, _) = try connectedPair(clientMaximumFrameSize: 64)
        defer { listener.stop() }
        let code = TransportHarness.failureCode { () throws(TransportError) in
            try connection.send(Frame(type: 1, payload: [UInt8](repeating: 0, count: 100)))
        }
        #expect(code == .frameTooLarge)
        #expect(!connection.isClosed)
        try connection.send(Frame(type: 2, payload: [1, 2, 3]))
        #expect(try connection.receive(timeoutMilliseconds: 3_000) == Frame(type: 2, payload: [1, 2, 3]))
    }
}

extension BinaryWriter {
    /// The four big-endian bytes of `value`.
    fileprivate static func uint32(_ value: UInt32) -> [UInt8] {
        var writer = BinaryWriter()
        writer.writeUInt32(value)
        return writer.bytes
    }
}
