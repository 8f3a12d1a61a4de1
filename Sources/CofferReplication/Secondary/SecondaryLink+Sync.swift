import CofferBase
import CofferCore
import CofferStorage

extension SecondaryLink {
    /// First activation: the primary's keyring, a wipe of everything here, the full copy.
    func receiveBootstrap(_ connection: ClusterConnection, logID: String) throws {
        guard case .keyring(let bytes) = try receive(connection, timeout: 30_000),
            let keyring = Keyring.deserialize(bytes)
        else {
            throw ReplicationError("the primary did not send a usable keyring")
        }
        var current = manager.state.current
        // The wipe: this cluster's old data used another keyring and would clash with the primary's.
        let everything = try manager.storage.keys(prefix: "")
        try manager.storage.commit(everything.map { .delete(key: $0) })
        try manager.core.adoptReplicatedState(keyring: keyring)
        current.logID = logID
        current.bootstrapping = true
        try manager.saveState(current)
        try manager.applier.setLastRemoteIndex(0)
        logger.info("secondary storage wiped for bootstrap", ["replication.cluster_id": current.clusterID])

        let start = try receiveEntries(connection)
        try manager.applier.setLastRemoteIndex(start)
        try manager.merkle.rebuild(from: manager.storage)
        try manager.core.adoptReplicatedState(keyring: keyring)
        if let rootToken = current.pendingRootToken {
            try manager.core.createRootToken(id: rootToken)
        }
        current.pendingRootToken = nil
        current.bootstrapping = false
        try manager.saveState(current)
        logger.info("secondary bootstrap complete", ["replication.last_remote_wal": "\(start)"])
    }

    /// After a gap or a change of primary: compare bucket hashes, fetch what differs.
    func runMerkleSync(_ connection: ClusterConnection, logID: String) throws {
        if manager.merkle.isStale { try manager.merkle.rebuild(from: manager.storage) }
        try connection.send(ReplicationMessage.merkleBuckets(manager.merkle.bucketHashes).frame())
        guard case .merkleLeaves(let remote) = try receive(connection, timeout: 60_000) else {
            throw ReplicationError("expected merkle leaves")
        }
        let local = try manager.merkle.leaves(inBuckets: Set(remote.map(\.bucket)), storage: manager.storage)
        var fetch: [String] = []
        var deletions: [String] = []
        for bucket in remote {
            let theirs = bucket.leaves.map { (path: $0.path, leafHash: $0.hash) }
            let plan = MerkleIndex.reconcile(local: local[bucket.bucket] ?? [], remote: theirs)
            fetch += plan.fetch
            deletions += plan.delete
        }
        shared.write {
            $0.replicationState = "merkle-sync"
            $0.syncProgress = (0, fetch.count + deletions.count)
        }
        let safeDeletions = deletions.filter { !DataClass.isLocal($0) }
        if !safeDeletions.isEmpty { try manager.storage.commit(safeDeletions.map { .delete(key: $0) }) }
        try connection.send(ReplicationMessage.syncRequest(fetch).frame())
        let start = try receiveEntries(connection)
        try manager.applier.setLastRemoteIndex(start)
        var current = manager.state.current
        current.logID = logID
        try manager.saveState(current)
        manager.core.replicatedEntriesChanged(fetch + deletions)
        shared.write { $0.lastMerkleSync = (Clock.now(), fetch.count, deletions.count) }
        logger.info(
            "merkle sync complete",
            ["replication.fetched": "\(fetch.count)", "replication.deleted": "\(deletions.count)"])
    }

    /// Applies entry chunks until `entriesEnd`; returns the WAL index streaming resumes after.
    /// Local keys are refused: a primary never sends them, and this cluster's own must survive.
    private func receiveEntries(_ connection: ClusterConnection) throws -> UInt64 {
        var applied = 0
        while true {
            switch try receive(connection, timeout: 60_000) {
            case .entries(let entries):
                let operations = entries.filter { !DataClass.isLocal($0.path) }.map { entry -> StorageOperation in
                    entry.value.map { .put(key: entry.path, value: $0) } ?? .delete(key: entry.path)
                }
                if !operations.isEmpty { try manager.storage.commit(operations) }
                applied += operations.count
                shared.write { $0.syncProgress.done = applied }
            case .entriesEnd(let index):
                return index
            default:
                throw ReplicationError("unexpected message during a sync")
            }
        }
    }
}
