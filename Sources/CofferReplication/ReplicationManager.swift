import CofferBase
import CofferCore
import CofferCrypto
import CofferStorage
import Glibc
import Synchronization

/// One node's replication: its role (primary, secondary or none), the log and Merkle index, the
/// cluster listener of a primary and the link of a secondary (DESIGN.md §4).
///
/// Replication state lives in the barrier, so the manager starts when the node unseals and stops
/// when it seals. Role changes are serialized by `changeLock`; readers see `state` through an rwlock.
public final class ReplicationManager: ReplicationExtension, @unchecked Sendable {
    // `listener`, `link`, `wal` and `announcer` change only under `changeLock`; readers go through
    // `components`, an rwlock-protected snapshot.
    struct Components {
        var wal: WriteAheadLog?
        var servesReplication = false
        var link: SecondaryLink?
        var streamers: [ObjectIdentifier: PrimaryStreamer] = [:]
    }

    let core: Core
    let storage: any Storage
    let clusterPort: ClusterPort
    let configuration: ReplicationConfiguration
    let logger: Logger
    let merkle = MerkleIndex()
    let state = ReadWriteLock(ReplicationState())
    let components = ReadWriteLock(Components())
    let changeLock = Mutex<Void>(())
    let applier: WALApplier
    let running = Atomic<Bool>(false)
    let secondaryStatuses = ReadWriteLock<[String: SecondaryStatus]>([:])

    /// Attaches to a core and its physical storage; nothing runs until the node unseals.
    public init(
        core: Core, storage: any Storage, clusterPort: ClusterPort, configuration: ReplicationConfiguration,
        logger: Logger
    ) throws(CofferError) {
        self.core = core
        self.storage = storage
        self.clusterPort = clusterPort
        self.configuration = configuration
        self.logger = logger
        do { applier = try WALApplier(storage: storage) } catch {
            throw CofferError.internalError("cannot read the replication position: \(error)")
        }
        applier.addObserver { [weak core] record in
            core?.replicatedEntriesChanged(record.operations.map(\.key))
        }
        core.attachReplication(self)
        // Notifications of one change may arrive after those of a later one (they run on the thread
        // that caused each change); acting on the node's state at the time keeps the last one right.
        core.addServingObserver { [weak self] _ in self?.followServing() }
        if core.isServing { resume() }
    }

    /// Registers a callback for every WAL record this secondary applies, with the keys it changed:
    /// for replication-lag metrics and benchmarks. Runs inside the commit serialization: keep it short.
    public func addAppliedObserver(_ observer: @escaping @Sendable (_ index: UInt64, _ keys: [String]) -> Void) {
        applier.addObserver { record in observer(record.index, record.operations.map(\.key)) }
    }

    // MARK: Lifecycle

    /// Starts replication when this node serves and stops it when it does not.
    func followServing() {
        if core.isServing { resume() } else { suspend() }
    }

    /// Loads the stored role and starts what it needs; called after every unseal. A failure (a storage
    /// call that failed for a moment) is retried while the node serves, rather than leaving an active
    /// node without replication.
    func resume() {
        let failed = changeLock.withLock { _ -> Bool in
            guard core.isServing else { return false }
            do {
                let loaded = try loadState()
                state.write { $0 = loaded }
                try start(loaded)
                return false
            } catch {
                logger.error("replication could not start; retrying", ["error": "\(error)"])
                return true
            }
        }
        guard failed else { return }
        DetachedThread.start { [weak self] in
            usleep(500_000)
            guard let self, self.core.isServing, !self.running.load(ordering: .sequentiallyConsistent) else { return }
            self.resume()
        }.detach()
    }

    /// Stops listener, link and hooks; called when the node seals and on shutdown.
    public func suspend() {
        changeLock.withLock { _ in stopAll() }
    }

    func stopAll() {
        running.store(false, ordering: .sequentiallyConsistent)
        let stopping = components.write { current -> Components in
            let old = current
            current = Components()
            return old
        }
        if stopping.servesReplication { clusterPort.withdraw(Self.alpn) }
        stopping.link?.stop()
        for streamer in stopping.streamers.values { streamer.stop() }
        storage.setCommitHook(nil)
        core.setReplicatedWrites(.allowed)
    }

    /// Starts the role's machinery from a stored state; the caller holds `changeLock`.
    func start(_ current: ReplicationState) throws(CofferError) {
        stopAll()
        guard current.mode != .disabled else { return }
        running.store(true, ordering: .sequentiallyConsistent)
        do { try merkle.rebuild(from: storage) } catch { throw .storage(error) }
        switch current.mode {
        case .primary:
            let wal: WriteAheadLog
            do {
                wal = try WriteAheadLog(
                    storage: storage, maxRecords: configuration.walMaxRecords, maxBytes: configuration.walMaxBytes,
                    bufferRecords: WriteAheadLog.defaultBufferRecords, bufferBytes: WriteAheadLog.defaultBufferBytes)
            } catch {
                throw .internalError("cannot open the WAL: \(error)")
            }
            storage.setCommitHook(CommitHookChain([wal, merkle.hook(storage: storage)]))
            components.write { $0.wal = wal }
            try serveReplication(current)
            components.write { $0.servesReplication = true }
            core.setReplicatedWrites(current.fencedBy.isEmpty ? .allowed : .refused(Self.fencedError(current.fencedBy)))
            if !current.formerPrimaryAddresses.isEmpty { startAnnouncer(current) }
            logger.info("replication primary running", ["replication.cluster_id": current.clusterID])
        case .secondary:
            storage.setCommitHook(merkle.hook(storage: storage))
            core.setReplicatedWrites(.forward)
            if !current.primaryClusterAddresses.isEmpty {
                let link = SecondaryLink(manager: self, state: current)
                components.write { $0.link = link }
                link.start()
            }
            logger.info("replication secondary running", ["replication.cluster_id": current.clusterID])
        case .disabled:
            break
        }
    }

    static func fencedError(_ address: String) -> CofferError {
        CofferError(
            status: 503,
            "another primary of this replication cluster is active at \(address); this cluster refuses writes "
                + "until it is demoted")
    }

    // MARK: State

    func loadState() throws(CofferError) -> ReplicationState {
        guard let bytes = try core.entryStore.get(ReplicationState.key) else { return ReplicationState() }
        guard let loaded = ReplicationState.deserialize(bytes) else {
            throw .internalError("the stored replication state is malformed")
        }
        return loaded
    }

    /// Persists a new state; the caller holds `changeLock`.
    func saveState(_ new: ReplicationState) throws(CofferError) {
        try core.entryStore.commit([.put(key: ReplicationState.key, value: new.serialized())])
        state.write { $0 = new }
    }

    // MARK: ReplicationExtension

    public var performanceMode: String {
        let current = state.current
        if current.mode == .secondary, current.bootstrapping { return "bootstrapping" }
        return current.mode.rawValue
    }

    /// The WAL of a primary, for its streamers.
    var wal: WriteAheadLog? { components.current.wal }
}
