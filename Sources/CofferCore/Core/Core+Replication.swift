import CofferBase
import CofferCrypto
import CofferStorage

extension Core {
    /// Attaches the replication layer; `nil` detaches it.
    public func attachReplication(_ replication: (any ReplicationExtension)?) {
        replicationSlot.write { $0 = replication }
    }

    /// The attached replication layer, if any.
    public var replication: (any ReplicationExtension)? { replicationSlot.current }

    /// The barrier, for the replication layer's own state (it lives below `local/`).
    public var entryStore: any EntryStore { barrier }

    /// Sets how writes to replicated data are treated: allowed on a primary, forwarded on a secondary.
    public func setReplicatedWrites(_ policy: Barrier.ReplicatedWrites) {
        barrier.setReplicatedWrites(policy)
    }

    /// The keyring in memory, to hand to a secondary during bootstrap; `nil` while sealed.
    public var keyringForReplication: Keyring? { barrier.currentKeyring }

    /// Drops caches whose source changed underneath, after replicated entries were applied.
    public func replicatedEntriesChanged(_ keys: [String]) {
        guard case .unsealed(let node) = currentState else { return }
        if keys.contains(MountKind.secrets.replicatedKey) {
            do { try node.mounts.reload() } catch {
                logger.error("could not reload the mount table after replication", ["error": "\(error)"])
            }
        }
        if keys.contains(MountKind.auth.replicatedKey) {
            do {
                for removed in try node.authMounts.reload() { try removeAuthRemains(removed, node: node) }
            } catch {
                logger.error("could not reload the auth table after replication", ["error": "\(error)"])
            }
        }
        if keys.contains(MountKind.audit.replicatedKey) {
            do { try node.audit.reload() } catch {
                logger.error("could not reload the audit table after replication", ["error": "\(error)"])
            }
        }
        if keys.contains(where: { $0.hasPrefix("sys/policy/") }) { node.policies.clearCache() }
        if keys.contains(SealPaths.keyring) { reloadKeyring() }
    }

    /// What a disabled auth method leaves in this cluster: the tokens its logins issued and its
    /// cluster-local entries, which the primary's deletion of its data does not reach.
    func removeAuthRemains(_ mount: MountEntry, node: UnsealedNode) throws(CofferError) {
        try node.tokens.revokeAll(createdUnder: "auth/" + mount.path)
        let keys = try barrier.keys(mount.localDataPrefix)
        if !keys.isEmpty { try barrier.commit(keys.map { .delete(key: $0) }) }
    }

    /// Re-reads the keyring after the primary rotated it, opening it with the root key in memory.
    private func reloadKeyring() {
        guard let current = barrier.currentKeyring else { return }
        guard let sealed = try? storage.get(SealPaths.keyring),
            let keyring = UnsealKey.openKeyring(sealed, rootKey: current.rootKey)
        else {
            logger.error("the replicated keyring does not open with this node's root key")
            return
        }
        barrier.unseal(with: keyring)
    }

    /// After a secondary replaced its storage with the primary's data: install the primary's
    /// keyring and rebuild every subsystem from the new storage.
    public func adoptReplicatedState(keyring: Keyring) throws(CofferError) {
        barrier.unseal(with: keyring)
        if try barrier.get(Self.identityKey) == nil {
            let identity: JSON = [
                "name": .string(configuration.clusterName.isEmpty ? "coffer-secondary" : configuration.clusterName),
                "id": .string(SecureRandom.uuid()),
            ]
            try barrier.commit([.put(key: Self.identityKey, value: identity.serialized())])
        }
        replaceState(.unsealed(try loadUnsealedNode()))
        logger.info("adopted the primary's keyring and data")
        haSlot.current.extensionObject?.storageWasReplaced()
    }

    /// Creates a root token with a chosen id (the dev-mode root token a secondary inherits).
    public func createRootToken(id: String) throws(CofferError) {
        let node = try unsealedNode()
        var request = TokenStore.CreateRequest(policies: ["root"])
        request.id = id
        request.orphan = true
        request.displayName = "root"
        request.path = "auth/token/root"
        _ = try node.tokens.create(request, parent: nil)
    }
}
