import CofferBase

/// `coffer keys rekey`: replaces a cluster's unseal shares through `sys/rekey` without the shares
/// ever living only in a terminal. The new shares reach custody before they are installed: the
/// rekey runs with verification, the new key set is stored, and only then are its shares used to
/// verify, which installs them. A run killed before the verification leaves the old key in force
/// and the unused new key set in custody.
public struct CustodyRekey: Sendable {
    public let manifest: Manifest
    public let observer: Observer
    public let custody: any KeyCustody

    public init(manifest: Manifest, observer: Observer, custody: any KeyCustody) {
        self.manifest = manifest
        self.observer = observer
        self.custody = custody
    }

    /// Rekeys the key set that `cluster`'s active node reports; returns the new key set's id.
    public func run(cluster name: String) throws(ControllerError) -> String {
        guard let cluster = manifest.cluster(named: name) else {
            throw ControllerError(.invalidInput, "no cluster \(name) in the manifest")
        }
        let observation = observer.observe()
        guard let node = observation.activeNode(of: cluster), let state = observation.state(node.name),
            let endpoint = observer.endpoint(node.name)
        else {
            throw ControllerError(.agentUnreachable, "\(name) has no reachable active node")
        }
        guard state.replication.mode != "secondary" else {
            throw ControllerError(
                .invalidInput, "\(name) is a secondary and opens with its primary's keys; rekey the primary cluster")
        }
        guard let oldID = state.keySetID, let old = try custody.keySet(id: oldID) else {
            throw ControllerError(.custody, "custody holds no shares of key set \(state.keySetID ?? "(none)")")
        }
        let session = try RootTokenSession(endpoint: endpoint, keySet: old)
        defer { session.close() }
        let token = session.token
        if try endpoint.vaultExpectingSuccess("GET", "sys/rekey/init", token: token)["started"]?.boolValue == true {
            try endpoint.vaultExpectingSuccess("DELETE", "sys/rekey/init", token: token)
        }
        let started = try endpoint.vaultExpectingSuccess(
            "PUT", "sys/rekey/init",
            body: [
                "secret_shares": .int(Int64(manifest.unseal.shares)),
                "secret_threshold": .int(Int64(manifest.unseal.threshold)), "require_verification": true,
            ], token: token)
        guard let nonce = started["nonce"]?.stringValue else {
            throw ControllerError(.agentRefused, "\(node.name): sys/rekey/init gave no nonce")
        }
        var final: JSON?
        for share in old.shares.prefix(old.threshold) where final == nil {
            let answer = try endpoint.vaultExpectingSuccess(
                "PUT", "sys/rekey/update", body: ["key": .string(share), "nonce": .string(nonce)], token: token)
            if answer["complete"]?.boolValue == true { final = answer }
        }
        guard let final, let shares = final["keys"]?.arrayValue?.compactMap(\.stringValue), !shares.isEmpty,
            let newID = final["key_set_id"]?.stringValue, !newID.isEmpty,
            let verification = final["verification_nonce"]?.stringValue
        else {
            throw ControllerError(.agentRefused, "\(node.name): the rekey did not complete with new shares")
        }
        try custody.store(
            KeySet(
                id: newID, cluster: old.cluster, created: Clock.rfc3339(Clock.now(), fractionalDigits: 0),
                threshold: manifest.unseal.threshold, shares: shares, rootToken: ""))
        var installed = false
        for share in shares.prefix(manifest.unseal.threshold) where !installed {
            let answer = try endpoint.vaultExpectingSuccess(
                "PUT", "sys/rekey/verify", body: ["key": .string(share), "nonce": .string(verification)],
                token: token)
            installed = answer["complete"]?.boolValue == true
        }
        guard installed else {
            throw ControllerError(.agentRefused, "\(node.name): the new shares did not verify; the old key stays")
        }
        try custody.markSuperseded(old.id, cluster: old.cluster)
        return newID
    }
}
