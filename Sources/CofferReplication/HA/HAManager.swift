import CofferBase
import CofferCore
import CofferStorage
import Glibc
import Synchronization

/// Elects the active node of a cluster through the storage's HA lock and keeps the core's role in
/// step with it (DESIGN.md §5).
///
/// While unsealed, a loop on its own thread either renews the lease (active) or watches the lock
/// (standby) and takes it when it expires. The active node advertises its addresses in the lock's
/// value; a standby that cannot renew or sees another holder steps down at once. A standby checks
/// at every poll, and again before it serves, that its keys still open the shared keyring, and
/// seals itself if they do not.
public final class HAManager: HAExtension, @unchecked Sendable {  // State is behind atomics and locks.
    static let lockName = "coffer-ha-active"

    let core: Core
    let storage: any Storage
    let clusterPort: ClusterPort
    let configuration: HAConfiguration
    let forwardingPool = Mutex<[ClusterConnection]>([])
    let forwardCounter = Atomic<UInt64>(0)
    let logger: Logger
    private let generation = Atomic<Int>(0)
    private let stepDownUntil = Atomic<UInt64>(0)
    private let thread = Mutex<DetachedThread?>(nil)

    public init(
        core: Core, storage: any Storage, clusterPort: ClusterPort, configuration: HAConfiguration, logger: Logger
    ) {
        self.core = core
        self.storage = storage
        self.clusterPort = clusterPort
        self.configuration = configuration
        self.logger = logger
        core.enableHA(self)
        core.addLifecycleObserver { [weak self] unsealed in
            if unsealed { self?.startElection() } else { self?.stopElection() }
        }
        if !core.isSealed { startElection() }
    }

    private var advertisement: [UInt8] {
        let value: JSON = [
            "node": .string(configuration.nodeName), "api_addr": .string(configuration.apiAddress),
            "cluster_addr": .string(configuration.clusterAddress),
            "since": .int(Clock.now().milliseconds),
        ]
        return value.serialized()
    }

    static func leader(from holder: LockHolder) -> LeaderAdvertisement? {
        guard let value = try? JSON.parse(holder.value) else { return nil }
        return LeaderAdvertisement(
            nodeName: value["node"]?.stringValue ?? holder.holder, apiAddress: value["api_addr"]?.stringValue ?? "",
            clusterAddress: value["cluster_addr"]?.stringValue ?? "",
            activeSince: Timestamp(
                seconds: (value["since"]?.intValue ?? 0) / 1000,
                nanoseconds: Int32((value["since"]?.intValue ?? 0) % 1000) * 1_000_000))
    }

    private func startElection() {
        let mine = generation.add(1, ordering: .sequentiallyConsistent).newValue
        let started = DetachedThread.start { [weak self] in self?.electionLoop(generation: mine) }
        let previous = thread.withLock { current -> DetachedThread? in
            let old = current
            current = started
            return old
        }
        previous?.join()
    }

    private func stopElection() {
        _ = generation.add(1, ordering: .sequentiallyConsistent)
        withdrawForwarding()
        try? storage.releaseLock(Self.lockName, holder: configuration.nodeName)
    }

    /// Stops the loop for good (agent shutdown) and gives the lock up.
    public func shutdown() {
        stopElection()
        thread.withLock { $0 }?.join()
    }

    private func isCurrent(_ mine: Int) -> Bool {
        generation.load(ordering: .sequentiallyConsistent) == mine
    }

    static let nodesPrefix = "local/ha/nodes/"

    /// Records this node's addresses in the cluster's storage, so that a primary can tell its
    /// secondaries every node they may find the active node at.
    private func registerNode() {
        let record: JSON = [
            "api_addr": .string(configuration.apiAddress), "cluster_addr": .string(configuration.clusterAddress),
        ]
        do {
            try core.entryStore.commit([
                .put(key: Self.nodesPrefix + configuration.nodeName, value: record.serialized())
            ])
        } catch {
            logger.warning("could not record this node's addresses", ["error": "\(error)"])
        }
    }

    private func electionLoop(generation mine: Int) {
        registerNode()
        let period = min(configuration.pollMilliseconds, max(50, configuration.lockTTLMilliseconds / 3))
        while isCurrent(mine), !core.isSealed {
            do {
                if core.isServing {
                    try renewOrStepDown()
                } else {
                    try watchOrTakeOver()
                }
            } catch {
                logger.warning("HA storage call failed", ["error": "\(error)"])
                if core.isServing { becomeStandby(leader: nil) }
            }
            var slept = 0
            while slept < period, isCurrent(mine) {
                usleep(10_000)
                slept += 10
            }
        }
    }

    private func renewOrStepDown() throws(StorageError) {
        guard try storage.renewLock(Self.lockName, holder: configuration.nodeName, ttlMilliseconds: ttl) else {
            logger.warning("lost the HA lock; stepping down")
            becomeStandby(leader: try storage.lockHolder(Self.lockName).flatMap(Self.leader(from:)))
            return
        }
    }

    private var ttl: Int { configuration.lockTTLMilliseconds }

    private func watchOrTakeOver() throws(StorageError) {
        // A standby checks at every poll, not only when it would take over: once its cluster has
        // adopted other keys it must not go on answering reads and forwarding as if it belonged.
        if (try? core.keysMatchStorage()) == false {
            sealBecauseKeysChanged()
            return
        }
        if let holder = try storage.lockHolder(Self.lockName), holder.holder != configuration.nodeName {
            try? core.setActive(false, leader: Self.leader(from: holder))
            return
        }
        guard Clock.monotonicNanoseconds() >= stepDownUntil.load(ordering: .sequentiallyConsistent) else { return }
        guard
            try storage.acquireLock(
                Self.lockName, holder: configuration.nodeName, value: advertisement, ttlMilliseconds: ttl)
        else {
            // Another node won the race: learn where it is now rather than at the next poll.
            if let holder = try storage.lockHolder(Self.lockName) {
                try? core.setActive(false, leader: Self.leader(from: holder))
            }
            return
        }
        // Checked again under the lock: the keys may have changed since the check above.
        let keysMatch = try? core.keysMatchStorage()
        guard keysMatch == true else {
            try? storage.releaseLock(Self.lockName, holder: configuration.nodeName)
            if keysMatch == false { sealBecauseKeysChanged() }
            return
        }
        let me = LeaderAdvertisement(
            nodeName: configuration.nodeName, apiAddress: configuration.apiAddress,
            clusterAddress: configuration.clusterAddress, activeSince: Clock.now())
        do {
            try core.setActive(true, leader: me)
            serveForwarding()
        } catch {
            logger.error("could not become active", ["error": "\(error)"])
            try? storage.releaseLock(Self.lockName, holder: configuration.nodeName)
        }
    }

    private func sealBecauseKeysChanged() {
        core.sealRefusingToServe(
            reason: "this node's unseal key no longer opens the cluster's keyring (the cluster's keys changed, "
                + "for example when it became a secondary); unseal it with the current shares")
    }

    private func becomeStandby(leader: LeaderAdvertisement?) {
        withdrawForwarding()
        do { try core.setActive(false, leader: leader) } catch {
            logger.error("could not become a standby", ["error": "\(error)"])
        }
    }

    // MARK: HAExtension

    public func storageWasReplaced() {
        // The wipe took the forwarding identity and node records while this node stayed active;
        // without them the standbys could only redirect.
        registerNode()
        guard core.isServing else { return }
        logger.info("the cluster's storage was replaced; making a new forwarding identity")
        withdrawForwarding()
        serveForwarding()
    }

    public func stepDown() {
        stepDownUntil.store(
            Clock.monotonicNanoseconds() + UInt64(configuration.lockTTLMilliseconds) * 1_000_000,
            ordering: .sequentiallyConsistent)
        try? storage.releaseLock(Self.lockName, holder: configuration.nodeName)
        becomeStandby(leader: nil)
        logger.info("stepped down")
    }
}
