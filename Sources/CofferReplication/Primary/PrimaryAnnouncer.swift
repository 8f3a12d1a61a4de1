import CofferBase
import Glibc

extension ReplicationManager {
    /// After a promotion, tells the old primary (dialling it as the secondary this cluster used to
    /// be) that this cluster is the primary now, until it has heard it, so that two primaries of one
    /// cluster id never both accept writes.
    func startAnnouncer(_ current: ReplicationState) {
        let identity = ClusterTLSIdentity(
            certificateChainPEM: current.clientCertificatePEM, privateKeyPEM: current.clientKeyPEM,
            trustedCAPEM: current.primaryCAPEM)
        let addresses = current.formerPrimaryAddresses
        let clusterID = current.clusterID
        let advertised = current.primaryClusterAddress
        DetachedThread.start { [weak self] in
            var pending = addresses
            while let manager = self, manager.running.load(ordering: .sequentiallyConsistent), !pending.isEmpty {
                pending = pending.filter { address in
                    guard let (host, port) = ClusterDialer.parseAddress(address),
                        let connection = try? ClusterDialer.connect(
                            host: host, port: port, alpn: Self.alpn, identity: identity, timeoutMilliseconds: 3000)
                    else { return true }
                    defer { connection.close() }
                    let told =
                        (try? connection.send(
                            ReplicationMessage.announcePrimary(clusterID: clusterID, address: advertised).frame()))
                        != nil
                    if told { manager.logger.info("told the former primary to stop", ["replication.primary": address]) }
                    return !told
                }
                for _ in 0..<50 where manager.running.load(ordering: .sequentiallyConsistent) { usleep(100_000) }
            }
            guard let manager = self else { return }
            manager.changeLock.withLock { _ in
                var updated = manager.state.current
                guard updated.mode == .primary, updated.formerPrimaryAddresses == addresses, pending.isEmpty else {
                    return
                }
                updated.formerPrimaryAddresses = []
                try? manager.saveState(updated)
            }
        }
    }

    /// An old primary hears that another primary of its cluster is active: it stops taking writes.
    func fence(by address: String, clusterID: String) {
        changeLock.withLock { _ in
            var current = state.current
            guard current.mode == .primary, current.clusterID == clusterID else { return }
            current.fencedBy = address.isEmpty ? "another cluster" : address
            try? saveState(current)
            core.setReplicatedWrites(.refused(Self.fencedError(current.fencedBy)))
            logger.warning(
                "another primary of this replication cluster is active; refusing writes",
                ["replication.other_primary": current.fencedBy])
        }
    }
}
