import CofferBase
import CofferCore
import CofferCrypto

/// Request forwarding inside a cluster (DESIGN.md §5): standbys send requests to the active node
/// over the cluster port with ALPN `coffer-fw-v1`, trusted by the cluster's own certificate, which
/// every node of the cluster reads from the shared storage.
extension HAManager {
    static let forwardingALPN = "coffer-fw-v1"
    static let identityKey = "local/ha/cluster-identity"

    /// The cluster's forwarding certificate and key, created by the first active node.
    func clusterIdentity(create: Bool) throws -> ClusterTLSIdentity? {
        if let bytes = try core.entryStore.get(Self.identityKey), let stored = try? JSON.parse(bytes),
            let ca = stored["ca"]?.stringValue, let certificate = stored["cert"]?.stringValue,
            let key = stored["key"]?.stringValue
        {
            return ClusterTLSIdentity(certificateChainPEM: certificate, privateKeyPEM: key, trustedCAPEM: ca)
        }
        guard create else { return nil }
        // A CA of the cluster's own and one leaf that every node presents, as server and as client.
        let caKey = try PrivateKey(generating: .p521)
        let ca = try CertificateAuthority.selfSigned(
            CertificateRequest(commonName: "coffer-cluster-ca", validityDays: 3650, isCertificateAuthority: true),
            key: caKey)
        let key = try PrivateKey(generating: .p521)
        let certificate = try CertificateAuthority.issue(
            CertificateRequest(commonName: "coffer-cluster-node", validityDays: 3650), publicKey: key.publicKey,
            issuer: ca, issuerKey: caKey)
        let record: JSON = ["ca": .string(ca.pem), "cert": .string(certificate.pem), "key": .string(key.pem)]
        try core.entryStore.commit([.put(key: Self.identityKey, value: record.serialized())])
        return ClusterTLSIdentity(certificateChainPEM: certificate.pem, privateKeyPEM: key.pem, trustedCAPEM: ca.pem)
    }

    /// Starts answering forwarded requests; called when this node becomes active.
    func serveForwarding() {
        do {
            guard let identity = try clusterIdentity(create: true) else { return }
            let proto = ClusterProtocol(
                alpn: Self.forwardingALPN, trustedCAPEM: identity.trustedCAPEM, serverIdentity: identity
            ) { [weak self] connection in self?.answerForwarded(connection) }
            try clusterPort.serve(.init(proto: proto))
        } catch {
            logger.error("cannot serve request forwarding; standbys will redirect", ["error": "\(error)"])
        }
    }

    func withdrawForwarding() {
        clusterPort.withdraw(Self.forwardingALPN)
        forwardingPool.withLock { pool in
            for connection in pool { connection.close() }
            pool.removeAll()
        }
    }

    /// The active side: serve one standby's requests until it hangs up.
    private func answerForwarded(_ connection: ClusterConnection) {
        while !connection.isClosed {
            guard let frame = try? connection.receive(timeoutMilliseconds: nil),
                case .forward(let forwarded) = try? ReplicationMessage(frame: frame)
            else { return }
            let response: VaultResponse
            if let request = Self.decodeRequest(forwarded) {
                response = core.isServing ? core.handle(request) : .error(CofferError(status: 503, "no longer active"))
            } else {
                response = .error(.badRequest("malformed forwarded request"))
            }
            let result = ReplicationMessage.forwardResult(
                id: forwarded.id, status: response.status, body: response.body?.serialized() ?? [], index: 0)
            do { try connection.send(result.frame()) } catch { return }
        }
    }

    static func encodeRequest(_ request: VaultRequest, id: UInt64) -> ReplicationMessage.Forwarded {
        var envelope: [String: JSON] = [
            "token": .optional(request.token), "body": request.body ?? .null,
            "wrap_format": .optional(request.wrapFormat), "remote_address": .optional(request.remoteAddress),
        ]
        if let wrapTTL = request.wrapTTL { envelope["wrap_ttl"] = .int(wrapTTL) }
        return .init(
            id: id, method: request.method, path: request.path, query: request.query,
            body: JSON.object(envelope).serialized())
    }

    static func decodeRequest(_ forwarded: ReplicationMessage.Forwarded) -> VaultRequest? {
        guard let envelope = try? JSON.parse(forwarded.body) else { return nil }
        let body = envelope["body"].flatMap { $0.isNull ? nil : $0 }
        var request = VaultRequest(
            method: forwarded.method, path: forwarded.path, query: forwarded.query, body: body,
            token: envelope["token"]?.stringValue)
        request.wrapTTL = envelope["wrap_ttl"]?.intValue
        request.wrapFormat = envelope["wrap_format"]?.stringValue
        request.remoteAddress = envelope["remote_address"]?.stringValue
        return request
    }

    /// The standby side: one request over a pooled connection to the active node; `nil` when the
    /// active node cannot be reached this way, and the core redirects instead.
    public func forwardToActive(_ request: VaultRequest) -> VaultResponse? {
        guard let leader = core.leader, !leader.clusterAddress.isEmpty,
            let (host, port) = ClusterDialer.parseAddress(leader.clusterAddress)
        else {
            logger.debug("no active node address to forward to")
            return nil
        }
        let identity: ClusterTLSIdentity
        do {
            guard let stored = try clusterIdentity(create: false) else {
                logger.debug("the cluster's forwarding identity does not exist yet")
                return nil
            }
            identity = stored
        } catch {
            logger.warning("cannot read the cluster's forwarding identity", ["error": "\(error)"])
            return nil
        }
        let id = forwardCounter.add(1, ordering: .relaxed).newValue
        let message = ReplicationMessage.forward(Self.encodeRequest(request, id: id)).frame()
        for attempt in 0..<2 {
            let pooled = attempt == 0 ? forwardingPool.withLock { $0.popLast() } : nil
            let connection: ClusterConnection
            if let pooled {
                connection = pooled
            } else {
                do {
                    connection = try ClusterDialer.connect(
                        host: host, port: port, alpn: Self.forwardingALPN, identity: identity,
                        timeoutMilliseconds: 5000)
                } catch {
                    logger.warning("cannot reach the active node to forward", ["error": "\(error)"])
                    return nil
                }
            }
            do {
                try connection.send(message)
                let frame = try connection.receive(timeoutMilliseconds: 30_000)
                guard case .forwardResult(let answered, let status, let body, _) = try ReplicationMessage(frame: frame),
                    answered == id
                else {
                    connection.close()
                    return nil
                }
                forwardingPool.withLock { pool in
                    if pool.count < 16 { pool.append(connection) } else { connection.close() }
                }
                return VaultResponse(status: status, body: body.isEmpty ? nil : try? JSON.parse(body))
            } catch {
                connection.close()
                if pooled == nil { return nil }
            }
        }
        return nil
    }
}
