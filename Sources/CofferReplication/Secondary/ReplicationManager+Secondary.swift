import CofferBase
import CofferClient
import CofferCore
import CofferCrypto
import Glibc

extension ReplicationManager {
    /// `secondary/enable`: unwrap the activation token against the primary's API, then let the link
    /// wipe this cluster and copy the primary's data. A token that does not unwrap changes nothing.
    func enableSecondary(
        token: String, primaryAPIAddress: String?, caFile: String?
    ) throws(CofferError)
        -> LogicalResponse
    {
        let bundle = try unwrapActivation(token: token, primaryAPIAddress: primaryAPIAddress, caFile: caFile)
        try changeLock.withLock { _ throws(CofferError) in
            guard state.current.mode == .disabled else {
                throw CofferError.badRequest(
                    "replication is already enabled here; use secondary/update-primary, or disable it first")
            }
            var next = ReplicationState()
            next.mode = .secondary
            next.bootstrapping = true
            adopt(bundle, into: &next)
            if core.developmentRootToken != nil { next.pendingRootToken = bundle.developmentRootToken }
            try saveState(next)
            try start(next)
        }
        logger.info("secondary activation started", ["replication.secondary_id": bundle.secondaryID])
        let finished = waitForBootstrap(milliseconds: 60_000)
        let warning =
            finished
            ? "the secondary finished its initial sync and is streaming from the primary"
            : "Vault has successfully found secondary information; it may take a while to perform setup tasks. "
                + "Vault will be unavailable until these tasks and initial sync complete."
        return LogicalResponse(warnings: [warning])
    }

    private func adopt(_ bundle: ActivationBundle, into state: inout ReplicationState) {
        state.clusterID = bundle.clusterID
        state.secondaryID = bundle.secondaryID
        state.clientCertificatePEM = bundle.certificatePEM
        state.clientKeyPEM = bundle.privateKeyPEM
        state.primaryCAPEM = bundle.caCertificatePEM
        state.primaryClusterAddresses = bundle.primaryClusterAddresses
        state.primaryAPIAddress = bundle.primaryAPIAddress
    }

    /// The bundle inside an activation token, fetched from the primary's `sys/wrapping/unwrap` and
    /// trusting `caFile`, else the configured primary CA, else the system's trust store.
    func unwrapActivation(
        token: String, primaryAPIAddress: String?, caFile: String?
    ) throws(CofferError)
        -> ActivationBundle
    {
        guard JWT.isJWT(token), let claims = Self.unverifiedClaims(token), claims["type"]?.stringValue == "wrapping"
        else {
            throw CofferError.badRequest("the activation token is not a wrapping token JWT")
        }
        if let expiry = claims["exp"]?.intValue, expiry <= Clock.now().seconds {
            throw CofferError.badRequest("the activation token has expired")
        }
        guard let address = primaryAPIAddress ?? claims["addr"]?.stringValue, !address.isEmpty else {
            throw CofferError.badRequest("the activation token names no primary API address; give primary_api_addr")
        }
        var tls: ClientTLS?
        let trusted =
            caFile.map { (file: $0, source: "ca_file") }
            ?? configuration.primaryCAFile.map { (file: $0, source: "replication.primaryCAFile") }
        if let (caFile, source) = trusted {
            guard let pem = Self.readFile(caFile) else {
                throw CofferError.badRequest("cannot read \(source) \"\(caFile)\"")
            }
            tls = ClientTLS(caPEM: pem)
        }
        let client = HTTPClient(tls: tls, timeoutSeconds: 30)
        let response: ClientResponse
        do {
            response = try client.send(
                method: "POST", url: address.trimmingSlash() + "/v1/sys/wrapping/unwrap",
                headers: [("X-Vault-Token", token), ("X-Vault-Request", "true")])
        } catch {
            throw CofferError.badRequest("error unwrapping secondary token at the primary: \(error)")
        }
        let body = try? JSON.parse(response.body)
        guard response.status == 200, let data = body?["data"], let bundle = ActivationBundle(data: data) else {
            let reasons = body?["errors"]?.arrayValue?.compactMap { $0.stringValue }.joined(separator: "; ") ?? ""
            throw CofferError.badRequest(
                "error response unwrapping secondary token; status code is \(response.status)"
                    + (reasons.isEmpty ? "" : ": \(reasons)"))
        }
        if let claimedCluster = claims["cluster_id"]?.stringValue, claimedCluster != bundle.clusterID {
            throw CofferError.badRequest("the activation token belongs to another replication cluster")
        }
        return bundle
    }

    static func unverifiedClaims(_ token: String) -> JSON? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Base64.decodeURL(String(parts[1])) else { return nil }
        return try? JSON.parse(payload)
    }

    static func readFile(_ path: String) -> String? {
        FileContents.text(atPath: path, limit: 1 << 20)
    }

    /// `secondary/promote`: this cluster becomes the primary with a new CA (the old one's key never
    /// left the old primary); other secondaries need new tokens, and the old primary is told to stop.
    func promoteSecondary(clusterAddress: String?, force: Bool) throws(CofferError) -> LogicalResponse {
        try changeLock.withLock { _ throws(CofferError) in
            var current = state.current
            guard current.mode == .secondary else { throw CofferError.badRequest("this cluster is not a secondary") }
            guard !current.bootstrapping || force else {
                throw CofferError.badRequest("the initial sync has not finished; pass force to promote anyway")
            }
            current.formerPrimaryAddresses = current.primaryClusterAddresses
            current.mode = .primary
            current.logID = SecureRandom.uuid()
            current.primaryClusterAddress = clusterAddress ?? configuration.advertiseAddress
            current.secondaries = []
            current.fencedBy = ""
            current.bootstrapping = false
            try issueAuthority(&current)
            try saveState(current)
            try start(current)
        }
        logger.info("secondary promoted to primary")
        return LogicalResponse(warnings: ["other secondaries need new activation tokens from this primary"])
    }

    /// `secondary/update-primary`: follow another primary of the same cluster without a wipe.
    func updatePrimary(
        token: String?, primaryAPIAddress: String?, caFile: String?, addresses: [String]?
    )
        throws(CofferError) -> LogicalResponse
    {
        var bundle: ActivationBundle?
        if let token, !token.isEmpty {
            bundle = try unwrapActivation(token: token, primaryAPIAddress: primaryAPIAddress, caFile: caFile)
        }
        try changeLock.withLock { _ throws(CofferError) in
            var current = state.current
            guard current.mode == .secondary else { throw CofferError.badRequest("this cluster is not a secondary") }
            if let bundle {
                guard bundle.clusterID == current.clusterID else {
                    throw CofferError.badRequest(
                        "the token belongs to another replication cluster; use secondary/enable, which wipes")
                }
                adopt(bundle, into: &current)
            } else if let addresses, !addresses.isEmpty {
                current.primaryClusterAddresses = addresses
            } else {
                throw CofferError.badRequest("give token, or update_primary_addrs")
            }
            try saveState(current)
            try start(current)
        }
        logger.info("secondary now follows another primary")
        return LogicalResponse()
    }

    /// Forwards a write to the primary over the link and waits until its WAL index is applied here.
    public func forward(_ request: VaultRequest) throws(CofferError) -> VaultResponse {
        guard let link = components.current.link else {
            throw CofferError(status: 503, "this secondary has no connection to a primary")
        }
        return try link.forward(request)
    }

    /// Remembers the primary's current addresses as the stream reports them.
    func recordPrimary(addresses: [String], apiAddress: String) {
        changeLock.withLock { _ in
            var current = state.current
            guard current.mode == .secondary, !addresses.isEmpty,
                current.primaryClusterAddresses != addresses || current.primaryAPIAddress != apiAddress
            else { return }
            current.primaryClusterAddresses = addresses
            current.primaryAPIAddress = apiAddress
            try? saveState(current)
        }
    }

    private func waitForBootstrap(milliseconds: Int) -> Bool {
        var waited = 0
        while waited < milliseconds {
            if !state.current.bootstrapping { return true }
            usleep(50_000)
            waited += 50
        }
        return !state.current.bootstrapping
    }
}

extension String {
    fileprivate func trimmingSlash() -> String {
        var text = self
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
