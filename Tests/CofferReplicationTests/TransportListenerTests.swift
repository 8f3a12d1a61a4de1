import CofferCrypto
import Testing

@testable import CofferReplication

struct TransportListenerTests {
    /// Which CA issued the client's certificate.
    enum ClientIssuer: String, Sendable, CaseIterable {
        case replication, forwarding
    }

    private static let matrix: [(ClientIssuer, String, Bool)] = [
        (.replication, TransportPKI.replicationALPN, true),
        (.replication, TransportPKI.forwardingALPN, false),
        (.forwarding, TransportPKI.forwardingALPN, true),
        (.forwarding, TransportPKI.replicationALPN, false),
    ]

    @Test(arguments: matrix)
    func clientCertificateMustComeFromTheCAOfTheOfferedProtocol(
        issuer: ClientIssuer, alpn: String, accepted: Bool
    )
        throws
    {
        let pki = TransportPKI.shared
        let events = Mailbox<HandlerEvent>()
        let listener = try TransportHarness.standardListener(events: events)
        defer { listener.stop() }
        let authority = issuer == .replication ? pki.replication : pki.forwarding
        let identity = try authority.identity(commonName: "\(issuer.rawValue)-client", trusting: pki.cluster)

        guard accepted else {
            let code = TransportHarness.failureCode { () throws(TransportError) in
                try TransportHarness.dial(listener, alpn: alpn, identity: identity)
            }
            #expect(code == .tls)
            #expect(events.isEmpty)
            return
        }
        let connection = try TransportHarness.dial(listener, alpn: alpn, identity: identity)
        #expect(connection.alpn == alpn)
        #expect(connection.peer.commonName == "node-a")
        #expect(events.take() == .accepted(alpn: alpn, commonName: "\(issuer.rawValue)-client"))
        let frame = Frame(type: 7, version: 2, payload: Array("hello".utf8))
        try connection.send(frame)
        #expect(try connection.receive(timeoutMilliseconds: 3_000) == frame)
        connection.close()
        #expect(events.take() == .ended(.closed))
    }

    @Test func clientWithoutCertificateIsRefused() throws {
        let pki = TransportPKI.shared
        let events = Mailbox<HandlerEvent>()
        let listener = try TransportHarness.standardListener(events: events)
        defer { listener.stop() }
        let identity = try pki.replication.identity(commonName: "anonymous", trusting: pki.cluster)
        let code = TransportHarness.failureCode { () throws(TransportError) in
            try ClusterDialer.connect(
                host: "127.0.0.1", port: listener.boundPort, alpn: TransportPKI.replicationALPN, identity: identity,
                timeoutMilliseconds: 3_000, maximumFrameSize: 1024, presentCertificate: false)
        }
        #expect(code == .tls)
        #expect(events.isEmpty)
    }

    @Test func helloWithoutAServedProtocolIsRefused() throws {
        let pki = TransportPKI.shared
        let events = Mailbox<HandlerEvent>()
        let listener = try TransportHarness.standardListener(events: events)
        defer { listener.stop() }
        let identity = try pki.replication.identity(commonName: "stranger", trusting: pki.cluster)
        let code = TransportHarness.failureCode { () throws(TransportError) in
            try TransportHarness.dial(listener, alpn: "coffer-other-v1", identity: identity)
        }
        #expect(code == .tls)
    }

    @Test func peerFilterRefusalClosesTheConnectionBeforeTheHandler() throws {
        let pki = TransportPKI.shared
        let events = Mailbox<HandlerEvent>()
        let filtered = Mailbox<String>()
        let listener = try TransportHarness.standardListener(events: events) { alpn, peer in
            filtered.put("\(alpn) \(peer.commonName ?? "")")
            return peer.commonName != "revoked-secondary"
        }
        defer { listener.stop() }
        let revoked = try pki.replication.identity(commonName: "revoked-secondary", trusting: pki.cluster)
        let code = TransportHarness.failureCode { () throws(TransportError) in
            try TransportHarness.dial(listener, alpn: TransportPKI.replicationALPN, identity: revoked)
        }
        #expect(code == .tls)
        #expect(filtered.take() == "coffer-repl-v1 revoked-secondary")
        #expect(events.isEmpty)

        let allowed = try pki.replication.identity(commonName: "secondary-2", trusting: pki.cluster)
        _ = try TransportHarness.dial(listener, alpn: TransportPKI.replicationALPN, identity: allowed)
        #expect(filtered.take() == "coffer-repl-v1 secondary-2")
        #expect(events.take() == .accepted(alpn: "coffer-repl-v1", commonName: "secondary-2"))
    }

    @Test func replacedProtocolsRefuseCertificatesOfTheOldCA() throws {
        let pki = TransportPKI.shared
        let events = Mailbox<HandlerEvent>()
        let listener = try TransportHarness.standardListener(events: events)
        defer { listener.stop() }
        let oldClient = try pki.replication.identity(commonName: "old-secondary", trusting: pki.cluster)
        let first = try TransportHarness.dial(listener, alpn: TransportPKI.replicationALPN, identity: oldClient)
        #expect(events.take() == .accepted(alpn: "coffer-repl-v1", commonName: "old-secondary"))

        let newCA = try TransportPKI.Authority(name: "replication-ca-2")
        try listener.setProtocols([
            ClusterProtocol(
                alpn: TransportPKI.replicationALPN, trustedCAPEM: newCA.pem,
                handler: TransportHarness.echo(into: events))
        ])
        let code = TransportHarness.failureCode { () throws(TransportError) in
            try TransportHarness.dial(listener, alpn: TransportPKI.replicationALPN, identity: oldClient)
        }
        #expect(code == .tls)
        let newClient = try newCA.identity(commonName: "new-secondary", trusting: pki.cluster)
        _ = try TransportHarness.dial(listener, alpn: TransportPKI.replicationALPN, identity: newClient)
        #expect(events.take() == .accepted(alpn: "coffer-repl-v1", commonName: "new-secondary"))
        // Connections made before the change keep running until closed explicitly.
        try first.send(Frame(type: 1))
        #expect(try first.receive(timeoutMilliseconds: 3_000) == Frame(type: 1))
    }

    @Test func closeConnectionsDropsOnlyMatchingPeers() throws {
        let pki = TransportPKI.shared
        let events = Mailbox<HandlerEvent>()
        let listener = try TransportHarness.standardListener(events: events)
        defer { listener.stop() }
        let revoked = try TransportHarness.dial(
            listener, alpn: TransportPKI.replicationALPN,
            identity: try pki.replication.identity(commonName: "secondary-revoked", trusting: pki.cluster))
        let kept = try TransportHarness.dial(
            listener, alpn: TransportPKI.replicationALPN,
            identity: try pki.replication.identity(commonName: "secondary-kept", trusting: pki.cluster))
        _ = events.take()
        _ = events.take()
        #expect(listener.connectionCount == 2)

        let closed = listener.closeConnections { _, peer in peer.commonName == "secondary-revoked" }
        #expect(closed == 1)
        #expect(TransportHarness.failureCode { () throws(TransportError) in try revoked.receive() } == .closed)
        try kept.send(Frame(type: 3))
        #expect(try kept.receive(timeoutMilliseconds: 3_000) == Frame(type: 3))
    }

    @Test func replacedIdentityIsShownToLaterClients() throws {
        let pki = TransportPKI.shared
        let events = Mailbox<HandlerEvent>()
        let listener = try TransportHarness.standardListener(events: events)
        defer { listener.stop() }
        try listener.setIdentity(try pki.otherCluster.identity(commonName: "node-b", trusting: pki.otherCluster))

        let trustsOldCA = try pki.replication.identity(commonName: "secondary-1", trusting: pki.cluster)
        let code = TransportHarness.failureCode { () throws(TransportError) in
            try TransportHarness.dial(listener, alpn: TransportPKI.replicationALPN, identity: trustsOldCA)
        }
        #expect(code == .tls)
        let trustsNewCA = try pki.replication.identity(commonName: "secondary-1", trusting: pki.otherCluster)
        let connection = try TransportHarness.dial(listener, alpn: TransportPKI.replicationALPN, identity: trustsNewCA)
        #expect(connection.peer.commonName == "node-b")
    }

    @Test func protocolWithItsOwnServerIdentityShowsThatCertificate() throws {
        let pki = TransportPKI.shared
        let events = Mailbox<HandlerEvent>()
        let replicationServer = try pki.replication.identity(commonName: "primary-repl", trusting: pki.replication)
        let listener = try ClusterListener(
            host: "127.0.0.1", port: 0, identity: pki.server,
            protocols: [
                ClusterProtocol(
                    alpn: TransportPKI.replicationALPN, trustedCAPEM: pki.replication.pem,
                    serverIdentity: replicationServer, handler: TransportHarness.echo(into: events)),
                ClusterProtocol(
                    alpn: TransportPKI.forwardingALPN, trustedCAPEM: pki.forwarding.pem,
                    handler: TransportHarness.echo(into: events)),
            ])
        defer { listener.stop() }
        let secondary = try pki.replication.identity(commonName: "secondary-1", trusting: pki.replication)
        let replication = try TransportHarness.dial(listener, alpn: TransportPKI.replicationALPN, identity: secondary)
        #expect(replication.peer.commonName == "primary-repl")
        let standby = try pki.forwarding.identity(commonName: "standby-1", trusting: pki.cluster)
        let forwarding = try TransportHarness.dial(listener, alpn: TransportPKI.forwardingALPN, identity: standby)
        #expect(forwarding.peer.commonName == "node-a")
    }

    @Test func stopUnblocksHandlersAndRefusesLaterConnections() throws {
        let pki = TransportPKI.shared
        let events = Mailbox<HandlerEvent>()
        let listener = try TransportHarness.standardListener(events: events)
        let identity = try pki.replication.identity(commonName: "secondary-1", trusting: pki.cluster)
        let connection = try TransportHarness.dial(listener, alpn: TransportPKI.replicationALPN, identity: identity)
        #expect(events.take() == .accepted(alpn: "coffer-repl-v1", commonName: "secondary-1"))

        listener.stop()
        #expect(events.take(seconds: 0) == .ended(.closed))
        #expect(listener.connectionCount == 0)
        #expect(TransportHarness.failureCode { () throws(TransportError) in try connection.receive() } == .closed)
        let code = TransportHarness.failureCode { () throws(TransportError) in
            try TransportHarness.dial(listener, alpn: TransportPKI.replicationALPN, identity: identity)
        }
        #expect(code == .connect)
    }

    @Test func oversizedFrameClosesTheConnection() throws {
        let pki = TransportPKI.shared
        let events = Mailbox<HandlerEvent>()
        let listener = try TransportHarness.standardListener(events: events, maximumFrameSize: 1024)
        defer { listener.stop() }
        let identity = try pki.replication.identity(commonName: "secondary-1", trusting: pki.cluster)
        let connection = try TransportHarness.dial(listener, alpn: TransportPKI.replicationALPN, identity: identity)
        _ = events.take()

        try connection.send(Frame(type: 1, payload: [UInt8](repeating: 0xAB, count: 4096)))
        #expect(events.take() == .ended(.frameTooLarge))
        #expect(TransportHarness.failureCode { () throws(TransportError) in try connection.receive() } == .closed)
    }

    @Test func handlerCanStopItsOwnListener() throws {
        let pki = TransportPKI.shared
        let listeners = Mailbox<ClusterListener>()
        let stopped = Mailbox<Bool>()
        let listener = try ClusterListener(
            host: "127.0.0.1", port: 0, identity: pki.server,
            protocols: [
                ClusterProtocol(alpn: TransportPKI.replicationALPN, trustedCAPEM: pki.replication.pem) { connection in
                    listeners.take()?.stop()
                    stopped.put(connection.isClosed)
                }
            ])
        listeners.put(listener)
        let identity = try pki.replication.identity(commonName: "secondary-1", trusting: pki.cluster)
        _ = try TransportHarness.dial(listener, alpn: TransportPKI.replicationALPN, identity: identity)
        #expect(stopped.take() == true)
        listener.stop()
    }

    @Test func portCanBeBoundAgainAfterStop() throws {
        let pki = TransportPKI.shared
        let first = try TransportHarness.standardListener(events: Mailbox())
        let port = first.boundPort
        first.stop()
        let events = Mailbox<HandlerEvent>()
        let second = try ClusterListener(
            host: "127.0.0.1", port: port, identity: pki.server,
            protocols: [
                ClusterProtocol(
                    alpn: TransportPKI.replicationALPN, trustedCAPEM: pki.replication.pem,
                    handler: TransportHarness.echo(into: events))
            ])
        defer { second.stop() }
        #expect(second.boundPort == port)
        let identity = try pki.replication.identity(commonName: "secondary-1", trusting: pki.cluster)
        _ = try TransportHarness.dial(second, alpn: TransportPKI.replicationALPN, identity: identity)
        #expect(events.take() == .accepted(alpn: TransportPKI.replicationALPN, commonName: "secondary-1"))
    }

    @Test func connectionsBeyondTheLimitAreClosedAtOnce() throws {
        let pki = TransportPKI.shared
        let events = Mailbox<HandlerEvent>()
        let listener = try ClusterListener(
            host: "127.0.0.1", port: 0, identity: pki.server,
            protocols: [
                ClusterProtocol(
                    alpn: TransportPKI.replicationALPN, trustedCAPEM: pki.replication.pem,
                    handler: TransportHarness.echo(into: events))
            ], maximumConnections: 1)
        defer { listener.stop() }
        let identity = try pki.replication.identity(commonName: "secondary-1", trusting: pki.cluster)
        let first = try TransportHarness.dial(listener, alpn: TransportPKI.replicationALPN, identity: identity)
        let code = TransportHarness.failureCode { () throws(TransportError) in
            try TransportHarness.dial(listener, alpn: TransportPKI.replicationALPN, identity: identity)
        }
        #expect(code == .tls)
        try first.send(Frame(type: 1))
        #expect(try first.receive(timeoutMilliseconds: 3_000) == Frame(type: 1))
    }
}
