import CofferCrypto
import Foundation

@testable import CofferReplication

/// Certificates for the transport tests, made once in memory: a cluster CA that issues server certificates,
/// a replication CA and a forwarding CA that issue client certificates.
struct TransportPKI: Sendable {
    static let shared: TransportPKI = {
        do {
            return try TransportPKI()
        } catch {
            fatalError("making test certificates failed: \(error)")
        }
    }()

    static let replicationALPN = "coffer-repl-v1"
    static let forwardingALPN = "coffer-fw-v1"

    let cluster: Authority
    let replication: Authority
    let forwarding: Authority
    let otherCluster: Authority
    /// The listener's certificate, issued by the cluster CA.
    let server: ClusterTLSIdentity

    init() throws {
        cluster = try Authority(name: "cluster-ca")
        replication = try Authority(name: "replication-ca")
        forwarding = try Authority(name: "forwarding-ca")
        otherCluster = try Authority(name: "other-cluster-ca")
        server = try cluster.identity(commonName: "node-a", trusting: cluster)
    }

    /// A self-signed CA that issues leaf identities.
    struct Authority: Sendable {
        let certificate: Certificate
        let key: PrivateKey

        init(name: String) throws {
            key = try PrivateKey(generating: .p256)
            certificate = try CertificateAuthority.selfSigned(CertificateRequest(commonName: name), key: key)
        }

        var pem: String { certificate.pem }

        /// A leaf for `commonName` issued here, whose holder trusts `trusted` for the other side.
        func identity(commonName: String, trusting trusted: Authority) throws -> ClusterTLSIdentity {
            let leafKey = try PrivateKey(generating: .p256)
            let leaf = try CertificateAuthority.issue(
                CertificateRequest(commonName: commonName), publicKey: leafKey.publicKey, issuer: certificate,
                issuerKey: key)
            return ClusterTLSIdentity(
                certificateChainPEM: leaf.pem, privateKeyPEM: leafKey.pem, trustedCAPEM: trusted.pem)
        }
    }
}

/// A thread-safe queue one thread fills and a test drains, waiting a bounded time.
final class Mailbox<Item: Sendable>: @unchecked Sendable {  // NSCondition guards `items`.
    private let condition = NSCondition()
    private var items: [Item] = []

    func put(_ item: Item) {
        condition.lock()
        items.append(item)
        condition.signal()
        condition.unlock()
    }

    /// The oldest item, waiting up to `seconds` for one to arrive.
    func take(seconds: Double = 5) -> Item? {
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty {
            guard condition.wait(until: deadline) else { return nil }
        }
        return items.removeFirst()
    }

    /// Whether nothing has been put and not taken.
    var isEmpty: Bool {
        condition.lock()
        defer { condition.unlock() }
        return items.isEmpty
    }
}

/// What a handler saw, for the test to check.
enum HandlerEvent: Sendable, Equatable {
    case accepted(alpn: String, commonName: String?)
    case ended(TransportError.Code)
}

/// Helpers shared by the transport test files.
enum TransportHarness {
    /// A handler that reports its connection, then echoes every frame back until the connection ends.
    static func echo(into events: Mailbox<HandlerEvent>) -> @Sendable (ClusterConnection) -> Void {
        { connection in
            events.put(.accepted(alpn: connection.alpn, commonName: connection.peer.commonName))
            while true {
                do throws(TransportError) {
                    let frame = try connection.receive(timeoutMilliseconds: nil)
                    try connection.send(frame)
                } catch {
                    events.put(.ended(error.code))
                    return
                }
            }
        }
    }

    /// A listener on 127.0.0.1 serving the replication and forwarding protocols with echo handlers.
    static func standardListener(
        events: Mailbox<HandlerEvent>, maximumFrameSize: Int = FrameCodec.defaultMaximumFrameSize,
        peerFilter: (@Sendable (String, PeerIdentity) -> Bool)? = nil
    ) throws -> ClusterListener {
        let pki = TransportPKI.shared
        return try ClusterListener(
            host: "127.0.0.1", port: 0, identity: pki.server,
            protocols: [
                ClusterProtocol(
                    alpn: TransportPKI.replicationALPN, trustedCAPEM: pki.replication.pem, handler: echo(into: events)),
                ClusterProtocol(
                    alpn: TransportPKI.forwardingALPN, trustedCAPEM: pki.forwarding.pem, handler: echo(into: events)),
            ],
            peerFilter: peerFilter, maximumFrameSize: maximumFrameSize)
    }

    /// Dials the listener on 127.0.0.1 with a three-second budget.
    static func dial(
        _ listener: ClusterListener, alpn: String, identity: ClusterTLSIdentity
    ) throws(TransportError) -> ClusterConnection {
        try ClusterDialer.connect(
            host: "127.0.0.1", port: listener.boundPort, alpn: alpn, identity: identity, timeoutMilliseconds: 3_000)
    }

    /// The code of the error `body` throws, or `nil` when it succeeds.
    static func failureCode<Result>(_ body: () throws(TransportError) -> Result) -> TransportError.Code? {
        do {
            _ = try body()
            return nil
        } catch {
            return error.code
        }
    }
}
