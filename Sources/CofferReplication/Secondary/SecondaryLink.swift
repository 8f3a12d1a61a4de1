import CofferBase
import CofferCore
import CofferStorage
import Glibc
import Synchronization

/// A secondary's connection to its primary: dial with backoff, hello, bootstrap or merkle sync when
/// the primary says so, then apply WAL batches in order and acknowledge them. Forwarded writes
/// travel on the same connection and wait for their result here.
final class SecondaryLink: @unchecked Sendable {  // Mutable state is behind `shared` and atomics.
    struct Shared {
        var connection: ClusterConnection?
        var connectionState = "connecting"
        var replicationState = "connecting"
        var lastHeartbeat: Timestamp?
        var primaryIndex: UInt64 = 0
        var nextForwardID: UInt64 = 1
        var waiting: [UInt64: ForwardWaiter] = [:]
        var syncProgress: (done: Int, total: Int) = (0, 0)
        /// When the last merkle sync finished, and what it changed.
        var lastMerkleSync: (at: Timestamp, fetched: Int, deleted: Int)?
    }

    let manager: ReplicationManager
    private let initial: ReplicationState
    let shared = ReadWriteLock(Shared())
    private let stopped = Atomic<Bool>(false)
    private let thread = Mutex<DetachedThread?>(nil)

    init(manager: ReplicationManager, state: ReplicationState) {
        self.manager = manager
        self.initial = state
    }

    var logger: Logger { manager.logger }

    func start() {
        let started = DetachedThread.start { [self] in runLoop() }
        thread.withLock { $0 = started }
    }

    func stop() {
        stopped.store(true, ordering: .sequentiallyConsistent)
        shared.read { $0.connection }?.close()
        thread.withLock { $0 }?.join()
        failWaiters("the link to the primary stopped")
    }

    private var isStopped: Bool { stopped.load(ordering: .sequentiallyConsistent) }

    private func runLoop() {
        var backoff = Backoff(initial: 100, maximum: 10_000)
        while !isStopped {
            let current = manager.state.current
            for address in current.primaryClusterAddresses where !isStopped {
                do {
                    try session(address: address, state: current)
                    backoff.reset()
                } catch {
                    if !isStopped {
                        logger.warning(
                            "replication link to the primary failed",
                            ["replication.primary": address, "error": "\(error)"])
                    }
                }
                shared.write {
                    $0.connection = nil
                    $0.connectionState = "transient_failure"
                    $0.replicationState = "idle"
                }
                failWaiters("the connection to the primary was lost")
            }
            var remaining = backoff.nextDelayMilliseconds()
            while remaining > 0, !isStopped {
                usleep(UInt32(min(remaining, 100)) * 1000)
                remaining -= 100
            }
        }
        shared.write { $0.connectionState = "shutdown" }
    }

    private func session(address: String, state current: ReplicationState) throws {
        guard let (host, port) = ClusterDialer.parseAddress(address) else {
            throw ReplicationError("cannot parse the primary cluster address")
        }
        shared.write {
            $0.connectionState = "connecting"; $0.replicationState = "connecting"
        }
        let identity = ClusterTLSIdentity(
            certificateChainPEM: current.clientCertificatePEM, privateKeyPEM: current.clientKeyPEM,
            trustedCAPEM: current.primaryCAPEM)
        let connection = try ClusterDialer.connect(
            host: host, port: port, alpn: ReplicationManager.alpn, identity: identity, timeoutMilliseconds: 10_000)
        defer { connection.close() }
        guard !isStopped else { return }
        shared.write { $0.connection = connection }
        try connection.send(
            ReplicationMessage.hello(
                .init(
                    clusterID: current.clusterID, secondaryID: current.secondaryID,
                    lastRemoteIndex: manager.applier.lastRemoteIndex, logID: current.logID,
                    merkleRoot: manager.merkle.rootHex, wantsBootstrap: current.bootstrapping)
            ).frame())
        guard case .welcome(let welcome) = try receive(connection, timeout: 30_000) else {
            throw ReplicationError("the primary did not welcome this secondary")
        }
        shared.write {
            $0.connectionState = "ready"
            $0.primaryIndex = welcome.lastIndex
        }
        switch welcome.plan {
        case .bootstrap:
            shared.write { $0.replicationState = "merkle-sync" }
            try receiveBootstrap(connection, logID: welcome.logID)
        case .merkleSync:
            shared.write { $0.replicationState = "merkle-diff" }
            try runMerkleSync(connection, logID: welcome.logID)
        case .stream:
            break
        }
        manager.recordPrimary(addresses: welcome.clusterAddresses, apiAddress: welcome.apiAddress)
        shared.write { $0.replicationState = "stream-wals" }
        logger.info("streaming from the primary", ["replication.primary": address])
        try streamLoop(connection)
    }

    func receive(_ connection: ClusterConnection, timeout: Int) throws -> ReplicationMessage {
        let message = try ReplicationMessage(frame: connection.receive(timeoutMilliseconds: timeout))
        if case .failure(let reason) = message { throw ReplicationError("the primary refused: \(reason)") }
        return message
    }

    private func streamLoop(_ connection: ClusterConnection) throws {
        let timeout = manager.configuration.heartbeatMilliseconds * 3
        var lastBeat = Clock.monotonicNanoseconds()
        while !isStopped {
            let message: ReplicationMessage
            do {
                message = try receive(connection, timeout: manager.configuration.heartbeatMilliseconds)
            } catch let error as TransportError where error.code == .timeout {
                if Clock.monotonicNanoseconds() - lastBeat > UInt64(timeout) * 1_000_000 { throw error }
                try sendHeartbeat(connection)
                continue
            }
            lastBeat = Clock.monotonicNanoseconds()
            switch message {
            case .walBatch(let encoded):
                var records: [WALRecord] = []
                for bytes in encoded { records.append(try WALRecord.decode(bytes)) }
                try manager.applier.apply(records)
                if let last = records.last {
                    try connection.send(ReplicationMessage.ack(index: last.index).frame())
                    shared.write { $0.primaryIndex = max($0.primaryIndex, last.index) }
                }
            case .heartbeat(_, let index):
                shared.write {
                    $0.lastHeartbeat = Clock.now()
                    $0.primaryIndex = index
                }
                try sendHeartbeat(connection)
            case .forwardResult(let id, let status, let body, let index):
                let waiter = shared.write { $0.waiting.removeValue(forKey: id) }
                waiter?.complete(.success((status, body, index)))
            default:
                throw ReplicationError("unexpected message from the primary")
            }
        }
    }

    private func sendHeartbeat(_ connection: ClusterConnection) throws {
        try connection.send(
            ReplicationMessage.heartbeat(
                milliseconds: UInt64(Clock.now().milliseconds), index: manager.applier.lastRemoteIndex
            ).frame())
    }

    func failWaiters(_ reason: String) {
        let waiters = shared.write { shared -> [ForwardWaiter] in
            let all = Array(shared.waiting.values)
            shared.waiting.removeAll()
            return all
        }
        for waiter in waiters { waiter.complete(.failure(ReplicationError(reason))) }
    }
}
