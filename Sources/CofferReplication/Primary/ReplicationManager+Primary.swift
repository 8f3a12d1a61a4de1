import CofferBase
import CofferCore
import CofferCrypto

extension ReplicationManager {
    static let alpn = "coffer-repl-v1"

    /// `primary/enable`: a new cluster id, a self-signed P-521 CA that never leaves this cluster,
    /// the cluster listener's certificate, and the WAL from here on.
    func enablePrimary(clusterAddress: String?) throws(CofferError) -> LogicalResponse {
        try changeLock.withLock { _ throws(CofferError) -> LogicalResponse in
            var current = state.current
            guard current.mode == .disabled else {
                throw CofferError.badRequest(
                    current.mode == .secondary
                        ? "this cluster is a secondary: promote it instead"
                        : "replication is already enabled as a primary")
            }
            current.mode = .primary
            current.clusterID = SecureRandom.uuid()
            current.logID = SecureRandom.uuid()
            current.primaryClusterAddress = clusterAddress ?? configuration.advertiseAddress
            try issueAuthority(&current)
            try saveState(current)
            try start(current)
            logger.info("replication enabled as primary", ["replication.cluster_id": current.clusterID])
            return LogicalResponse(warnings: [])
        }
    }

    /// A fresh CA and listener certificate (at enable, and when a secondary is promoted).
    func issueAuthority(_ current: inout ReplicationState) throws(CofferError) {
        do {
            let caKey = try PrivateKey(generating: .p521)
            let ca = try CertificateAuthority.selfSigned(
                CertificateRequest(
                    commonName: "coffer-replication-ca", organization: current.clusterID, validityDays: 3650,
                    isCertificateAuthority: true), key: caKey)
            let serverKey = try PrivateKey(generating: .p521)
            let server = try CertificateAuthority.issue(
                CertificateRequest(commonName: "coffer-primary", validityDays: 3650),
                publicKey: serverKey.publicKey, issuer: ca, issuerKey: caKey)
            current.caCertificatePEM = ca.pem
            current.caKeyPEM = caKey.pem
            current.serverCertificatePEM = server.pem
            current.serverKeyPEM = serverKey.pem
        } catch {
            throw CofferError.internalError("could not create the replication CA: \(error)")
        }
    }

    /// Serves the replication protocol on the node's cluster port.
    func serveReplication(_ current: ReplicationState) throws(CofferError) {
        let identity = ClusterTLSIdentity(
            certificateChainPEM: current.serverCertificatePEM, privateKeyPEM: current.serverKeyPEM,
            trustedCAPEM: current.caCertificatePEM)
        let handler: @Sendable (ClusterConnection) -> Void = { [weak self] connection in
            guard let self else { return }
            PrimaryStreamer(manager: self, connection: connection).run()
        }
        let proto = ClusterProtocol(
            alpn: Self.alpn, trustedCAPEM: current.caCertificatePEM, serverIdentity: identity, handler: handler)
        do {
            try clusterPort.serve(.init(proto: proto) { [weak self] peer in self?.isAdmitted(peer) ?? false })
        } catch {
            throw CofferError.internalError("cannot serve replication on the cluster port: \(error)")
        }
    }

    /// Every cluster address a secondary may find this primary's active node at: this node's, then
    /// those the cluster's HA nodes recorded (DESIGN.md §5), so secondaries follow a failover.
    func primaryNodeAddresses(_ current: ReplicationState) -> [String] {
        var addresses = [
            configuration.advertiseAddress.isEmpty ? current.primaryClusterAddress : configuration.advertiseAddress
        ]
        let keys = (try? core.entryStore.keys("local/ha/nodes/")) ?? []
        for key in keys {
            guard let bytes = try? core.entryStore.get(key), let record = try? JSON.parse(bytes),
                let address = record["cluster_addr"]?.stringValue, !address.isEmpty, !addresses.contains(address)
            else { continue }
            addresses.append(address)
        }
        return addresses
    }

    /// Whether a secondary's certificate belongs to a known, unrevoked secondary.
    func isAdmitted(_ peer: PeerIdentity) -> Bool {
        guard let name = peer.commonName else { return false }
        return state.current.secondaries.contains {
            $0.id == name && !$0.revoked && $0.certificateSerial == peer.serialNumberHex
        }
    }

    /// `primary/secondary-token`: a key and certificate for the secondary, wrapped with the rest of
    /// the bootstrap bundle in a single-use JWT wrapping token.
    func issueSecondaryToken(id: String, ttl: Int64) throws(CofferError) -> VaultResponse {
        let wrapInfo = try changeLock.withLock { _ throws(CofferError) -> JSON in
            var current = state.current
            guard current.mode == .primary else { throw CofferError.badRequest("this cluster is not a primary") }
            guard !id.isEmpty, id.utf8.count <= 64, !id.contains("/") else {
                throw CofferError.badRequest("field \"id\": must be 1 to 64 characters without \"/\"")
            }
            if let existing = current.secondaries.first(where: { $0.id == id }), !existing.revoked {
                throw CofferError.badRequest("a token was already issued for secondary \"\(id)\"; revoke it first")
            }
            let bundle: ActivationBundle
            let serial: String
            do {
                let caKey = try PrivateKey(pem: current.caKeyPEM)
                let ca = try Certificate(pem: current.caCertificatePEM)
                let key = try PrivateKey(generating: .p521)
                let certificate = try CertificateAuthority.issue(
                    CertificateRequest(commonName: id, validityDays: 3650, serverAuth: false, clientAuth: true),
                    publicKey: key.publicKey, issuer: ca, issuerKey: caKey)
                serial = certificate.serialNumberHex
                bundle = ActivationBundle(
                    clusterID: current.clusterID, secondaryID: id, caCertificatePEM: ca.pem,
                    certificatePEM: certificate.pem, privateKeyPEM: key.pem,
                    primaryClusterAddresses: [current.primaryClusterAddress],
                    primaryAPIAddress: configuration.apiAddress,
                    developmentRootToken: core.developmentRootToken)
            } catch {
                throw CofferError.internalError("could not issue the secondary's certificate: \(error)")
            }
            current.secondaries.removeAll { $0.id == id }
            current.secondaries.append(.init(id: id, revoked: false, certificateSerial: serial))
            try saveState(current)
            return try core.wrapResponse(
                .object(["data": .object(bundle.json())]), ttl: ttl,
                creationPath: "sys/replication/performance/primary/secondary-token", format: .jwt)
        }
        logger.info("secondary activation token issued", ["replication.secondary_id": id])
        var warnings: [String] = []
        if configuration.apiAddress.isEmpty {
            warnings.append("this node has no API address; the secondary must be given primary_api_addr")
        }
        return core.wrappedEnvelope(wrapInfo, warnings: warnings)
    }

    /// `primary/revoke-secondary`: its connections close now and its certificate is refused from now on.
    func revokeSecondary(id: String) throws(CofferError) -> LogicalResponse {
        try changeLock.withLock { _ throws(CofferError) in
            var current = state.current
            guard current.mode == .primary else { throw CofferError.badRequest("this cluster is not a primary") }
            guard let position = current.secondaries.firstIndex(where: { $0.id == id }) else {
                throw CofferError.badRequest("no secondary \"\(id)\" is known")
            }
            current.secondaries[position].revoked = true
            try saveState(current)
        }
        clusterPort.closeConnections(alpn: Self.alpn) { peer in peer.commonName == id }
        logger.info("secondary revoked", ["replication.secondary_id": id])
        return LogicalResponse()
    }

    /// `primary/demote`: keep the data and the cluster id, stop accepting writes, wait for `update-primary`.
    func demotePrimary() throws(CofferError) -> LogicalResponse {
        try changeLock.withLock { _ throws(CofferError) in
            var current = state.current
            guard current.mode == .primary else { throw CofferError.badRequest("this cluster is not a primary") }
            current.mode = .secondary
            current.fencedBy = ""
            current.primaryClusterAddresses = []
            current.bootstrapping = false
            try saveState(current)
            try start(current)
        }
        logger.info("primary demoted to secondary")
        return LogicalResponse()
    }

    /// `primary/disable` or `secondary/disable`: replication off; re-enabling means a new cluster id.
    func disableReplication(expected: ReplicationState.Mode) throws(CofferError) -> LogicalResponse {
        try changeLock.withLock { _ throws(CofferError) in
            let current = state.current
            guard current.mode == expected else {
                throw CofferError.badRequest("this cluster is not a \(expected.rawValue)")
            }
            stopAll()
            try saveState(ReplicationState())
        }
        logger.info("replication disabled")
        return LogicalResponse()
    }
}
