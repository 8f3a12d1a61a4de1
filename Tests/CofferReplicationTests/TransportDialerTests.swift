import Testing

@testable import CofferReplication

struct TransportDialerTests {
    @Test(arguments: [
        ("https://node1.example:8201", "node1.example", 8201),
        ("node1.example:8201", "node1.example", 8201),
        ("10.0.0.5:8201", "10.0.0.5", 8201),
        ("[::1]:8201", "::1", 8201),
        ("https://[2001:db8::7]:443/", "2001:db8::7", 443),
    ])
    func parseAddressAcceptsClusterAddresses(text: String, host: String, port: Int) {
        let parsed = ClusterDialer.parseAddress(text)
        #expect(parsed?.host == host)
        #expect(parsed?.port == port)
    }

    @Test(arguments: [
        "node1.example", "https://node1.example", "::1:8201", "[::1]8201", "http://node1:8201", "node1:0",
        "node1:65536", "node1:+80", ":8201", "node1:82a1",
    ])
    func parseAddressRejectsOtherText(text: String) {
        #expect(ClusterDialer.parseAddress(text) == nil)
    }

    @Test func serverFromAnUntrustedCAIsRefusedByTheClient() throws {
        let pki = TransportPKI.shared
        let events = Mailbox<HandlerEvent>()
        let listener = try TransportHarness.standardListener(events: events)
        defer { listener.stop() }
        let identity = try pki.replication.identity(commonName: "secondary-1", trusting: pki.otherCluster)
        do {
            _ = try TransportHarness.dial(listener, alpn: TransportPKI.replicationALPN, identity: identity)
            Issue.record("the dialer accepted a server certificate from a CA it does not trust")
        } catch {
            #expect(error.code == .tls)
            #expect(error.reason.contains("certificate verify failed"))
        }
        #expect(events.isEmpty)
    }

    @Test func closedPortFailsWithConnect() throws {
        let pki = TransportPKI.shared
        let listener = try TransportHarness.standardListener(events: Mailbox())
        let port = listener.boundPort
        listener.stop()
        let identity = try pki.replication.identity(commonName: "secondary-1", trusting: pki.cluster)
        let code = TransportHarness.failureCode { () throws(TransportError) in
            try ClusterDialer.connect(
                host: "127.0.0.1", port: port, alpn: TransportPKI.replicationALPN, identity: identity,
                timeoutMilliseconds: 1_000)
        }
        #expect(code == .connect)
    }

    @Test func silentServerTimesOut() throws {
        let pki = TransportPKI.shared
        // A socket that listens but never answers: the kernel completes TCP, TLS never starts.
        let silent = try TCPSocket.listen(host: "127.0.0.1", port: 0)
        let identity = try pki.replication.identity(commonName: "secondary-1", trusting: pki.cluster)
        let code = TransportHarness.failureCode { () throws(TransportError) in
            try ClusterDialer.connect(
                host: "127.0.0.1", port: try silent.localPort(), alpn: TransportPKI.replicationALPN,
                identity: identity, timeoutMilliseconds: 100)
        }
        #expect(code == .timeout)
    }

    @Test func unreadableIdentityFailsWithTLS() {
        let identity = ClusterTLSIdentity(
            certificateChainPEM: "not a certificate", privateKeyPEM: "not a key", trustedCAPEM: "")
        let code = TransportHarness.failureCode { () throws(TransportError) in
            try ClusterDialer.connect(
                host: "127.0.0.1", port: 1, alpn: TransportPKI.replicationALPN, identity: identity,
                timeoutMilliseconds: 100)
        }
        #expect(code == .tls)
    }
}
