import CofferBase
import CofferCrypto
import CofferStorage
import Synchronization

/// One node's secrets server: seal state, barrier, and the request pipeline (DESIGN.md §1, §3).
///
/// All methods are thread-safe. The state lock is held only to read or swap the state, never
/// across a request's storage I/O, so requests on every worker thread run in parallel.
public final class Core: Sendable {
    public let configuration: CoreConfiguration
    public let storage: any Storage
    let barrier: Barrier
    let logger: Logger
    private let state: ReadWriteLock<NodeState>
    /// Serializes init, unseal, seal, rotation and rekey so two of them never interleave.
    let lifecycleLock = Mutex<Void>(())
    let replicationSlot = ReadWriteLock<(any ReplicationExtension)?>(nil)
    private let lifecycleObservers = ReadWriteLock<[@Sendable (Bool) -> Void]>([])
    let developmentRootTokenSlot = ReadWriteLock<String?>(nil)
    let rootGenerationSlot = ReadWriteLock<RootGeneration?>(nil)
    let rekeySlot = ReadWriteLock<RekeyOperation?>(nil)
    let expiration: ExpirationManager
    let haSlot = ReadWriteLock(HAStatus())
    let requestMetrics = RequestMetrics()
    private let servingObservers = ReadWriteLock<[@Sendable (Bool) -> Void]>([])

    /// Registers a callback run when the node starts serving requests itself (unsealed, and the
    /// active node when HA is on) and when it stops; replication runs only while it serves.
    public func addServingObserver(_ observer: @escaping @Sendable (_ serving: Bool) -> Void) {
        servingObservers.write { $0.append(observer) }
    }

    func notifyServing(_ serving: Bool) {
        if serving { expiration.start(for: self) } else { expiration.stop() }
        for observer in servingObservers.current { observer(serving) }
    }

    /// The token store of the node while it serves; `nil` while sealed or a standby.
    var servingTokenStore: TokenStore? {
        guard isServing, case .unsealed(let node) = currentState else { return nil }
        return node.tokens
    }

    /// Registers a callback run after every unseal (`true`) and seal (`false`), on the thread that
    /// caused it; it must not unseal or seal the node itself.
    public func addLifecycleObserver(_ observer: @escaping @Sendable (_ unsealed: Bool) -> Void) {
        lifecycleObservers.write { $0.append(observer) }
    }

    private func notifyLifecycle(unsealed: Bool) {
        for observer in lifecycleObservers.current { observer(unsealed) }
    }

    /// The root token a dev node was started with, so a dev secondary can inherit it.
    public var developmentRootToken: String? { developmentRootTokenSlot.current }

    /// Opens a node over storage; it starts sealed (or uninitialized).
    public init(configuration: CoreConfiguration, storage: any Storage, logger: Logger) throws(CofferError) {
        self.configuration = configuration
        self.storage = storage
        self.barrier = Barrier(storage: storage)
        self.logger = logger
        self.expiration = ExpirationManager(logger: logger)
        let configured: [UInt8]?
        do { configured = try storage.get(SealPaths.configuration) } catch { throw .storage(error) }
        state = ReadWriteLock(configured == nil ? .uninitialized : .sealed(UnsealProgress()))
    }

    /// The state; an uninitialized node looks at storage again, since another node of its cluster
    /// sharing that storage may have initialized it meanwhile.
    var currentState: NodeState {
        let current = state.current
        guard case .uninitialized = current, (try? storage.get(SealPaths.configuration)) ?? nil != nil else {
            return current
        }
        return state.write { state -> NodeState in
            if case .uninitialized = state { state = .sealed(UnsealProgress()) }
            return state
        }
    }

    func replaceState(_ newState: NodeState) {
        state.write { $0 = newState }
    }

    /// The unsealed node, or a 503 when sealed or uninitialized.
    func unsealedNode() throws(CofferError) -> UnsealedNode {
        guard case .unsealed(let node) = state.current else { throw CofferError.sealed }
        return node
    }

    /// Whether the node has been initialized.
    public var isInitialized: Bool {
        if case .uninitialized = currentState { return false }
        return true
    }

    /// Whether the node is sealed (an uninitialized node is sealed too).
    public var isSealed: Bool {
        if case .unsealed = currentState { return false }
        return true
    }

    func sealConfiguration() throws(CofferError) -> SealConfiguration {
        try loadSealConfiguration()
    }

    private func loadSealConfiguration() throws(CofferError) -> SealConfiguration {
        let bytes: [UInt8]?
        do { bytes = try storage.get(SealPaths.configuration) } catch { throw .storage(error) }
        guard let bytes, let configuration = SealConfiguration.deserialize(bytes) else {
            throw .badRequest("Vault is not initialized")
        }
        return configuration
    }

    /// Commits physical operations (below the barrier) with storage errors mapped to API errors.
    func commitPhysical(_ operations: [StorageOperation]) throws(CofferError) {
        do { try storage.commit(operations) } catch { throw .storage(error) }
    }

    // MARK: Init

    /// What `sys/init` hands to the operator, once.
    public struct InitResult: Sendable {
        public let shares: [[UInt8]]
        public let rootToken: String
    }

    /// Creates the keys, splits the unseal key, writes the initial state in one atomic batch and
    /// returns the shares and the root token. The node stays sealed, as Vault's does.
    /// The stored seal configuration gets a new key set id, whatever `seal` carries.
    public func initialize(_ seal: SealConfiguration, rootTokenID: String? = nil) throws(CofferError) -> InitResult {
        try lifecycleLock.withLock { _ throws(CofferError) -> InitResult in
            guard case .uninitialized = currentState else {
                throw CofferError.badRequest("Vault is already initialized")
            }
            let seal = seal.namingNewKeySet()
            let unsealKey = AESGCM.generateKey()
            let keyring: Keyring
            do { keyring = try Keyring.generate() } catch { throw .internalError("could not generate the keyring") }
            let shares = try UnsealKey.split(unsealKey, configuration: seal)
            let rootToken = rootTokenID ?? TokenStore.generateToken()

            var plain = MountRegistry.tableOperations([], kind: .secrets) + MountRegistry.initialAuthOperations()
            for (name, record) in PolicyStore.initialOperations() {
                plain.append(.put(key: "sys/policy/" + name, value: record))
            }
            let tokenView = StorageView(store: barrier, prefix: DataClass.localPrefix + "token/")
            plain += TokenStore.bootstrapOperations(rootToken: rootToken).map(tokenView.absolute)
            let identity: JSON = [
                "name": .string(
                    configuration.clusterName.isEmpty ? Self.generatedClusterName() : configuration.clusterName),
                "id": .string(SecureRandom.uuid()),
            ]
            plain.append(.put(key: Self.identityKey, value: identity.serialized()))

            barrier.unseal(with: keyring)
            defer { barrier.seal() }
            var physical = try barrier.encrypted(plain)
            physical.append(.put(key: SealPaths.configuration, value: seal.serialized()))
            physical.append(
                .put(key: SealPaths.rootKey, value: try UnsealKey.sealRootKey(keyring.rootKey, unsealKey: unsealKey)))
            physical.append(.put(key: SealPaths.keyring, value: try UnsealKey.sealKeyring(keyring)))
            try commitPhysical(physical)

            state.write { $0 = .sealed(UnsealProgress()) }
            logger.info(
                "initialized", ["seal.shares": "\(seal.secretShares)", "seal.threshold": "\(seal.secretThreshold)"])
            return InitResult(shares: shares, rootToken: rootToken)
        }
    }

    static let identityKey = DataClass.localPrefix + "sys/cluster-identity"

    private static func generatedClusterName() -> String {
        "coffer-cluster-" + Hex.encode(SecureRandom.bytes(4))
    }

    // MARK: Unseal

    /// Adds one share (hex or base64) or resets progress. A malformed, duplicate or wrong share is
    /// refused with 400 and leaves progress as it was.
    public func unseal(share: String?, reset: Bool) throws(CofferError) -> SealStatus {
        let wasUnsealed = !isSealed
        let status = try lifecycleLock.withLock { _ throws(CofferError) -> SealStatus in
            guard case .sealed(var progress) = currentState else {
                if case .uninitialized = currentState { throw CofferError.badRequest("Vault is not initialized") }
                if reset { throw CofferError.badRequest("vault is unsealed") }
                return try sealStatus()
            }
            if reset {
                state.write { $0 = .sealed(UnsealProgress()) }
                return try sealStatus()
            }
            guard let share else {
                throw CofferError.badRequest("'key' must be specified in request body as JSON, or 'reset' set to true")
            }
            let seal = try loadSealConfiguration()
            let decoded = try UnsealKey.decodeShare(share, configuration: seal)
            guard !progress.shares.contains(where: { ConstantTime.equals($0, decoded) }) else {
                throw CofferError.badRequest("this unseal key share was already provided")
            }
            if progress.shares.isEmpty { progress.nonce = SecureRandom.uuid() }
            guard progress.shares.count + 1 >= seal.secretThreshold else {
                progress.shares.append(decoded)
                state.write { [progress] in $0 = .sealed(progress) }
                return try sealStatus()
            }
            let unsealKey = try UnsealKey.combine(progress.shares + [decoded], configuration: seal)
            let keyring = try openKeyring(unsealKey: unsealKey)
            try finishUnseal(keyring)
            return try sealStatus()
        }
        if !isSealed, !wasUnsealed {
            haSlot.write {
                $0.sealReason = nil
                $0.operatorSealedAt = nil
            }
            notifyLifecycle(unsealed: true)
            if isServing { notifyServing(true) }
        }
        return status
    }

    func openKeyring(unsealKey: [UInt8]) throws(CofferError) -> Keyring {
        let sealedRoot: [UInt8]?
        let sealedKeyring: [UInt8]?
        do {
            sealedRoot = try storage.get(SealPaths.rootKey)
            sealedKeyring = try storage.get(SealPaths.keyring)
        } catch { throw .storage(error) }
        guard let sealedRoot, let sealedKeyring else { throw .internalError("the stored keys are missing") }
        guard let rootKey = UnsealKey.openRootKey(sealedRoot, unsealKey: unsealKey) else {
            throw .badRequest(
                "the unseal key shares do not open the root key; this share was not counted "
                    + "(send \"reset\": true to start over if an earlier share was wrong)")
        }
        guard let keyring = UnsealKey.openKeyring(sealedKeyring, rootKey: rootKey) else {
            throw .internalError("the root key does not open the keyring")
        }
        return keyring
    }

    private func finishUnseal(_ keyring: Keyring) throws(CofferError) {
        barrier.unseal(with: keyring)
        let node: UnsealedNode
        do {
            node = try loadUnsealedNode()
        } catch {
            barrier.seal()
            throw error
        }
        state.write { $0 = .unsealed(node) }
        logger.info("unsealed", ["cluster.name": node.clusterName])
    }

    /// Builds the unsealed subsystems from storage, under the cluster identity stored there.
    func loadUnsealedNode() throws(CofferError) -> UnsealedNode {
        let identity = try barrier.get(Self.identityKey).flatMap { try? JSON.parse($0) }
        return try UnsealedNode(
            barrier: barrier, clusterName: identity?["name"]?.stringValue ?? configuration.clusterName,
            clusterID: identity?["id"]?.stringValue ?? "")
    }

    // MARK: Seal

    /// Drops every key and cache from memory.
    public func seal() {
        let wasServing = isServing
        let sealedNow = lifecycleLock.withLock { _ -> Bool in
            guard case .unsealed(let node) = currentState else { return false }
            node.tokens.clearCache()
            node.policies.clearCache()
            rootGenerationSlot.write { $0 = nil }
            rekeySlot.write { $0 = nil }
            barrier.seal()
            state.write { $0 = .sealed(UnsealProgress()) }
            logger.info("sealed")
            return true
        }
        if sealedNow {
            haSlot.write {
                $0.active = false
                $0.leader = nil
            }
            if wasServing { notifyServing(false) }
            notifyLifecycle(unsealed: false)
        }
    }

    // MARK: Rotation

    /// Adds a keyring term; new writes use it and every older term stays readable.
    public func rotate() throws(CofferError) -> Keyring.Term {
        try lifecycleLock.withLock { _ throws(CofferError) -> Keyring.Term in
            guard let current = barrier.currentKeyring else { throw CofferError.sealed }
            let next: Keyring
            do { next = try current.rotated() } catch { throw .internalError("could not generate a key") }
            try commitPhysical([.put(key: SealPaths.keyring, value: try UnsealKey.sealKeyring(next))])
            barrier.unseal(with: next)
            logger.info("keyring rotated", ["barrier.term": "\(next.activeTerm)"])
            return next.active
        }
    }
}
