import CofferBase
import CofferCore
import CofferStorage
import Synchronization

/// Serves one secondary's connection on the primary: bootstrap or merkle sync when needed, then
/// WAL batches as they commit, heartbeats, and the secondary's forwarded writes.
///
/// Runs on the connection's own thread (the listener gives each connection one); a second thread
/// reads what the secondary sends. Sends are serialized inside `ClusterConnection`.
final class PrimaryStreamer: Sendable {
    private let manager: ReplicationManager
    private let connection: ClusterConnection
    private let stopped = Atomic<Bool>(false)
    private let secondaryID: String
    static let batchRecords = 512
    static let batchBytes = 4 << 20
    static let snapshotChunkBytes = 1 << 20

    init(manager: ReplicationManager, connection: ClusterConnection) {
        self.manager = manager
        self.connection = connection
        self.secondaryID = connection.peer.commonName ?? ""
    }

    func stop() {
        stopped.store(true, ordering: .sequentiallyConsistent)
        connection.close()
    }

    private var logger: Logger { manager.logger }

    private func send(_ message: ReplicationMessage) throws(TransportError) {
        try connection.send(message.frame())
    }

    private func receive(timeout: Int) throws -> ReplicationMessage {
        try ReplicationMessage(frame: connection.receive(timeoutMilliseconds: timeout))
    }

    /// The whole conversation; returns when the connection ends.
    func run() {
        let key = ObjectIdentifier(self)
        manager.components.write { $0.streamers[key] = self }
        defer {
            manager.components.write { _ = $0.streamers.removeValue(forKey: key) }
            manager.updateSecondary(secondaryID) {
                $0.connected = false; $0.state = "idle"
            }
            connection.close()
        }
        do {
            try converse()
        } catch {
            if !stopped.load(ordering: .sequentiallyConsistent) {
                logger.info(
                    "secondary connection ended", ["replication.secondary_id": secondaryID, "error": "\(error)"])
            }
        }
    }

    private func converse() throws {
        let opening = try receive(timeout: 10_000)
        if case .announcePrimary(let clusterID, let address) = opening {
            manager.fence(by: address, clusterID: clusterID)
            return
        }
        guard case .hello(let hello) = opening else {
            throw ReplicationError("the secondary did not start with hello")
        }
        let current = manager.state.current
        guard current.mode == .primary, let wal = manager.wal else {
            try send(.failure("this cluster is not a primary"))
            return
        }
        guard hello.clusterID == current.clusterID, hello.secondaryID == secondaryID else {
            try send(.failure("the secondary belongs to another replication cluster"))
            return
        }
        let plan: StreamPlan
        if hello.wantsBootstrap {
            plan = .bootstrap
        } else if hello.logID == current.logID,
            case .records = try wal.records(after: hello.lastRemoteIndex, maxCount: 1, maxBytes: 1)
        {
            plan = .stream
        } else {
            plan = .merkleSync
        }
        try send(
            .welcome(
                .init(
                    plan: plan, lastIndex: wal.lastIndex, logID: current.logID,
                    clusterAddresses: manager.primaryNodeAddresses(current),
                    apiAddress: manager.configuration.apiAddress)))
        manager.updateSecondary(secondaryID) {
            $0.connected = true
            $0.state = plan == .stream ? "stream-wals" : (plan == .bootstrap ? "bootstrapping" : "merkle-sync")
        }
        logger.info(
            "secondary connected",
            ["replication.secondary_id": secondaryID, "replication.plan": "\(plan)"])

        var cursor = hello.lastRemoteIndex
        switch plan {
        case .bootstrap:
            cursor = try sendSnapshot(wal: wal)
        case .merkleSync:
            cursor = try runMerkleSync(wal: wal)
        case .stream:
            break
        }
        manager.updateSecondary(secondaryID) { $0.state = "stream-wals" }
        let reader = DetachedThread.start { [self] in readLoop() }
        defer {
            connection.close()
            reader.join()
        }
        try streamLoop(wal: wal, from: cursor)
    }

    /// Keyring, then every replicated entry, then the WAL index streaming resumes after.
    /// The snapshot is not one consistent read: records committed while it runs are streamed after
    /// it, and since every record carries whole values, replaying them makes the copy exact.
    private func sendSnapshot(wal: WriteAheadLog) throws -> UInt64 {
        guard let keyring = manager.core.keyringForReplication else { throw ReplicationError("the node is sealed") }
        try send(.keyring(keyring.serialized()))
        let start = wal.lastIndex
        try sendEntries(try manager.storage.keys(prefix: ""), skipMissing: true)
        try send(.entriesEnd(index: start))
        return start
    }

    /// Compares bucket hashes, sends the leaves of differing buckets, then the entries asked for.
    private func runMerkleSync(wal: WriteAheadLog) throws -> UInt64 {
        guard case .merkleBuckets(let theirs) = try receive(timeout: 30_000) else {
            throw ReplicationError("expected merkle buckets")
        }
        let start = wal.lastIndex
        if manager.merkle.isStale { try manager.merkle.rebuild(from: manager.storage) }
        let differing = MerkleIndex.differingBuckets(manager.merkle.bucketHashes, theirs)
        let leaves = try manager.merkle.leaves(inBuckets: Set(differing), storage: manager.storage)
        let message = differing.map { bucket in
            ReplicationMessage.BucketLeaves(
                bucket: bucket, leaves: (leaves[bucket] ?? []).map { .init(path: $0.path, hash: $0.leafHash) })
        }
        try send(.merkleLeaves(message))
        guard case .syncRequest(let paths) = try receive(timeout: 30_000) else {
            throw ReplicationError("expected a sync request")
        }
        try sendEntries(paths, skipMissing: false)
        try send(.entriesEnd(index: start))
        logger.info(
            "merkle sync served",
            [
                "replication.secondary_id": secondaryID, "replication.buckets": "\(differing.count)",
                "replication.entries": "\(paths.count)",
            ])
        return start
    }

    /// Sends the current ciphertext of replicated `paths` in chunks of about a megabyte. A missing
    /// path is skipped (`skipMissing`, a snapshot racing a delete) or sent as deleted (a sync).
    private func sendEntries(_ paths: [String], skipMissing: Bool) throws {
        var chunk: [ReplicationMessage.Entry] = []
        var size = 0
        for path in paths where !DataClass.isLocal(path) {
            let value = try manager.storage.get(path)
            if value == nil, skipMissing { continue }
            chunk.append(.init(path: path, value: value))
            size += path.utf8.count + (value?.count ?? 0)
            if size >= Self.snapshotChunkBytes {
                try send(.entries(chunk))
                chunk.removeAll(keepingCapacity: true)
                size = 0
            }
        }
        if !chunk.isEmpty { try send(.entries(chunk)) }
    }

    /// Ships committed WAL in batches as it appears, with a heartbeat when there is nothing to send.
    private func streamLoop(wal: WriteAheadLog, from start: UInt64) throws {
        var cursor = start
        var lastSent = Clock.monotonicNanoseconds()
        let heartbeat = UInt64(manager.configuration.heartbeatMilliseconds) * 1_000_000
        while !stopped.load(ordering: .sequentiallyConsistent), !connection.isClosed {
            guard manager.isAdmitted(connection.peer), manager.state.current.mode == .primary else {
                try? send(.failure("this secondary is no longer admitted"))
                return
            }
            switch try wal.records(after: cursor, maxCount: Self.batchRecords, maxBytes: Self.batchBytes) {
            case .unavailable:
                try send(.failure("the WAL after \(cursor) is no longer retained; reconnect for a merkle sync"))
                return
            case .records(let records) where !records.isEmpty:
                try send(.walBatch(records.map { $0.encoded() }))
                cursor = records.last!.index
                lastSent = Clock.monotonicNanoseconds()
            case .records:
                if !wal.waitForRecords(after: cursor, timeoutMilliseconds: 250),
                    Clock.monotonicNanoseconds() - lastSent >= heartbeat
                {
                    try send(.heartbeat(milliseconds: UInt64(Clock.now().milliseconds), index: wal.lastIndex))
                    lastSent = Clock.monotonicNanoseconds()
                }
            }
        }
    }

    /// Reads acks, heartbeats and forwarded writes until the connection closes.
    private func readLoop() {
        let timeout = manager.configuration.heartbeatMilliseconds * 3
        while !connection.isClosed {
            do {
                switch try receive(timeout: timeout) {
                case .ack(let index):
                    manager.updateSecondary(secondaryID) { $0.ackedIndex = index }
                case .heartbeat(let milliseconds, let index):
                    let skew = Clock.now().milliseconds - Int64(milliseconds)
                    manager.updateSecondary(secondaryID) {
                        $0.lastHeartbeat = Clock.now()
                        $0.ackedIndex = max($0.ackedIndex, index)
                        $0.clockSkewMilliseconds = skew
                    }
                case .forward(let forwarded):
                    try serveForward(forwarded)
                default:
                    throw ReplicationError("unexpected message from the secondary")
                }
            } catch {
                connection.close()
                return
            }
        }
    }

    private func serveForward(_ forwarded: ReplicationMessage.Forwarded) throws {
        var body: JSON?
        if !forwarded.body.isEmpty { body = try? JSON.parse(forwarded.body) }
        let request = VaultRequest(method: forwarded.method, path: forwarded.path, query: forwarded.query, body: body)
        let response = manager.core.handleForwarded(request)
        let index = manager.wal?.lastIndex ?? 0
        try send(
            .forwardResult(
                id: forwarded.id, status: response.status, body: response.body?.serialized() ?? [], index: index))
    }
}

/// A failure of the replication conversation; the reason never carries replicated data.
struct ReplicationError: Error, CustomStringConvertible {
    let reason: String

    init(_ reason: String) {
        self.reason = reason
    }

    var description: String { "replication: \(reason)" }
}

extension DataClass {
    /// Whether a key stays with its cluster.
    static func isLocal(_ key: String) -> Bool { of(key) == .local }
}

extension ReplicationManager {
    /// Changes what the status shows about a secondary.
    func updateSecondary(_ id: String, _ change: (inout SecondaryStatus) -> Void) {
        secondaryStatuses.write { statuses in
            var status = statuses[id] ?? SecondaryStatus()
            change(&status)
            statuses[id] = status
        }
    }
}
