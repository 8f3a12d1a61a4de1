import CofferBase
import Glibc

/// Carries out one planned action against the agents. Every step re-reads what it depends on, and
/// every multi-step action writes its progress to the journal before each side effect.
public struct Executor: Sendable {
    public let manifest: Manifest
    public let observer: Observer
    public let custody: any KeyCustody
    public let journal: Journal
    public let force: Bool
    /// Where progress lines go (never a secret).
    public let report: @Sendable (String) -> Void

    public init(
        manifest: Manifest, observer: Observer, custody: any KeyCustody, journal: Journal, force: Bool = false,
        report: @escaping @Sendable (String) -> Void
    ) {
        self.manifest = manifest
        self.observer = observer
        self.custody = custody
        self.journal = journal
        self.force = force
        self.report = report
    }

    /// Executes `action`.
    public func execute(_ action: Action) throws(ControllerError) {
        switch action.kind {
        case .initialize: try initialize(action)
        case .unseal: try unseal(action)
        case .enablePrimary:
            try withRoot(action.cluster) { endpoint, token throws(ControllerError) in
                try endpoint.vaultExpectingSuccess(
                    "POST", "sys/replication/performance/primary/enable", body: [:], token: token)
            }
            report("enabled \(action.cluster) as the primary")
        case .activateSecondary: try activate(action)
        case .revokeSecondary:
            try withRoot(action.cluster) { endpoint, token throws(ControllerError) in
                try endpoint.vaultExpectingSuccess(
                    "POST", "sys/replication/performance/primary/revoke-secondary",
                    body: ["id": .string(action.secondaryID ?? "")], token: token)
            }
            report("revoked secondary \(action.secondaryID ?? "") on \(action.cluster)")
        case .movePrimary: try movePrimary(action)
        case .promote: try promote(action.cluster)
        case .demote:
            try withRoot(action.cluster) { endpoint, token throws(ControllerError) in
                try endpoint.vaultExpectingSuccess(
                    "POST", "sys/replication/performance/primary/demote", body: [:], token: token)
            }
            report("demoted \(action.cluster)")
        case .updatePrimary: try updatePrimary(action)
        }
    }

    // MARK: Actions

    private func initialize(_ action: Action) throws(ControllerError) {
        let endpoint = try endpoint(action.node)
        try custody.checkWritable()
        try journal.record("init", cluster: action.cluster, step: "requested")
        let reply = try endpoint.vaultExpectingSuccess(
            "PUT", "sys/init",
            body: [
                "secret_shares": .int(Int64(manifest.unseal.shares)),
                "secret_threshold": .int(Int64(manifest.unseal.threshold)),
            ])
        guard let shares = reply["keys"]?.arrayValue?.compactMap(\.stringValue), !shares.isEmpty,
            let rootToken = reply["root_token"]?.stringValue
        else {
            throw ControllerError(.agentRefused, "\(endpoint.nodeName): sys/init returned no shares")
        }
        var keySetID = reply["key_set_id"]?.stringValue
        if keySetID == nil { keySetID = try endpoint.state().keySetID }
        guard let keySetID else {
            throw ControllerError(.agentRefused, "\(endpoint.nodeName): the node reports no key set id after init")
        }
        try custody.store(
            KeySet(
                id: keySetID, cluster: action.cluster, created: Clock.rfc3339(Clock.now(), fractionalDigits: 0),
                threshold: manifest.unseal.threshold, shares: shares, rootToken: rootToken))
        try journal.finish("init", cluster: action.cluster)
        report("initialised \(action.cluster) on \(endpoint.nodeName); key set \(keySetID) is in custody")
    }

    private func unseal(_ action: Action) throws(ControllerError) {
        let endpoint = try endpoint(action.node)
        guard let keySet = try custody.keySet(id: action.keySetID ?? "") else {
            throw ControllerError(.custody, "custody holds no key set \(action.keySetID ?? "")")
        }
        let state = try endpoint.state()
        guard state.sealed else { return }
        if state.unsealProgress > 0 {
            try endpoint.vaultExpectingSuccess("PUT", "sys/unseal", body: ["reset": true])
        }
        for share in keySet.shares.prefix(keySet.threshold) {
            let reply = try endpoint.vault("PUT", "sys/unseal", body: ["key": .string(share)])
            guard reply.status == 200 else {
                throw ControllerError(
                    .agentRefused,
                    "\(endpoint.nodeName): the shares of key set \(keySet.id) were refused (\(reply.errorText))")
            }
            if reply.body?["sealed"]?.boolValue == false {
                report("unsealed \(action.target) with key set \(keySet.id)")
                return
            }
        }
        throw ControllerError(
            .agentRefused, "\(endpoint.nodeName): still sealed after \(keySet.threshold) shares of key set \(keySet.id)"
        )
    }

    private func activate(_ action: Action) throws(ControllerError) {
        guard let primaryName = action.peer else { return }
        try journal.record("activate", cluster: action.cluster, step: "started")
        let (primary, primaryState) = try activeEndpoint(primaryName)
        let (secondary, _) = try activeEndpoint(action.cluster)
        let primarySession = try session(primary, primaryState)
        defer { primarySession.close() }
        let secondarySession = try session(secondary, try secondary.state())
        let activationToken = try mintSecondaryToken(
            id: action.cluster, on: primary, state: primaryState, token: primarySession.token)
        try journal.record("activate", cluster: action.cluster, step: "token-minted")
        try secondary.vaultExpectingSuccess(
            "POST", "sys/replication/performance/secondary/enable", body: ["token": .string(activationToken)],
            token: secondarySession.token)
        // The secondary's own tokens went with its data; the session token is gone already.
        try journal.record("activate", cluster: action.cluster, step: "enabled")
        if let primaryKeySet = primaryState.keySetID {
            for keySet in try custody.keySets() where keySet.cluster == action.cluster && !keySet.superseded {
                if keySet.id != primaryKeySet { try custody.markSuperseded(keySet.id, cluster: action.cluster) }
            }
        }
        try journal.finish("activate", cluster: action.cluster)
        report("activated \(action.cluster) as a secondary of \(primaryName)")
    }

    private func movePrimary(_ action: Action) throws(ControllerError) {
        guard let oldName = action.peer else { return }
        try journal.record("move-primary", cluster: action.cluster, step: "started")
        let (old, oldState) = try activeEndpoint(oldName)
        let oldSession = try session(old, oldState)
        defer { oldSession.close() }
        try old.vaultExpectingSuccess(
            "POST", "sys/replication/performance/primary/demote", body: [:], token: oldSession.token)
        try journal.record("move-primary", cluster: action.cluster, step: "old-demoted")
        report("demoted \(oldName)")
        let target = oldState.replication.lastWAL
        let deadline = Clock.monotonicNanoseconds() + 30_000_000_000
        var caughtUp = false
        while !caughtUp, Clock.monotonicNanoseconds() < deadline {
            let (_, state) = try activeEndpoint(action.cluster)
            caughtUp = state.replication.lastRemoteWAL >= target
            if !caughtUp { usleep(100_000) }
        }
        guard caughtUp || force else {
            throw ControllerError(
                .blocked,
                "\(oldName) is demoted, but \(action.cluster) has not applied its last WAL record \(target); "
                    + "run again to promote once it has, or pass --force")
        }
        try promote(action.cluster)
        try journal.finish("move-primary", cluster: action.cluster)
    }

    private func promote(_ cluster: String) throws(ControllerError) {
        try withRoot(cluster) { endpoint, token throws(ControllerError) in
            try endpoint.vaultExpectingSuccess(
                "POST", "sys/replication/performance/secondary/promote", body: ["force": .bool(force)], token: token)
        }
        report("promoted \(cluster) to primary")
    }

    private func updatePrimary(_ action: Action) throws(ControllerError) {
        guard let primaryName = action.peer else { return }
        try journal.record("update-primary", cluster: action.cluster, step: "started")
        let (primary, primaryState) = try activeEndpoint(primaryName)
        let (secondary, secondaryState) = try activeEndpoint(action.cluster)
        let primarySession = try session(primary, primaryState)
        defer { primarySession.close() }
        let secondarySession = try session(secondary, secondaryState)
        defer { secondarySession.close() }
        let token = try mintSecondaryToken(
            id: action.cluster, on: primary, state: primaryState, token: primarySession.token)
        try journal.record("update-primary", cluster: action.cluster, step: "token-minted")
        try secondary.vaultExpectingSuccess(
            "POST", "sys/replication/performance/secondary/update-primary", body: ["token": .string(token)],
            token: secondarySession.token)
        try journal.finish("update-primary", cluster: action.cluster)
        report("\(action.cluster) now follows \(primaryName)")
    }

    // MARK: Helpers

    /// A fresh activation token for secondary `id`, minted just before use. A registration the
    /// primary still holds for `id` (from an unfinished activation, or a cluster that was wiped)
    /// is revoked first: its token is gone, and the primary issues one token per id.
    private func mintSecondaryToken(
        id: String, on primary: AgentEndpoint, state: NodeState, token: String
    ) throws(ControllerError) -> String {
        if state.replication.knownSecondaries.contains(id) {
            try primary.vaultExpectingSuccess(
                "POST", "sys/replication/performance/primary/revoke-secondary", body: ["id": .string(id)],
                token: token)
        }
        let minted = try primary.vaultExpectingSuccess(
            "POST", "sys/replication/performance/primary/secondary-token", body: ["id": .string(id), "ttl": "15m"],
            token: token)
        guard let activationToken = minted["wrap_info"]?["token"]?.stringValue else {
            throw ControllerError(.agentRefused, "\(primary.nodeName): secondary-token returned no token")
        }
        return activationToken
    }

    private func endpoint(_ node: String?) throws(ControllerError) -> AgentEndpoint {
        guard let node, let endpoint = observer.endpoint(node) else {
            throw ControllerError(.invalidInput, "no agent for node \(node ?? "(none)")")
        }
        return endpoint
    }

    /// The active node of `cluster`, observed now.
    private func activeEndpoint(_ cluster: String) throws(ControllerError) -> (AgentEndpoint, NodeState) {
        guard let spec = manifest.cluster(named: cluster) else {
            throw ControllerError(.invalidInput, "no cluster \(cluster) in the manifest")
        }
        for node in spec.nodes {
            guard let endpoint = observer.endpoint(node.name), let state = try? endpoint.state(), state.isActive
            else { continue }
            return (endpoint, state)
        }
        throw ControllerError(.agentUnreachable, "\(cluster) has no reachable active node")
    }

    private func session(_ endpoint: AgentEndpoint, _ state: NodeState) throws(ControllerError) -> RootTokenSession {
        guard let id = state.keySetID, let keySet = try custody.keySet(id: id) else {
            throw ControllerError(
                .custody, "custody holds no shares of key set \(state.keySetID ?? "(none)") of \(endpoint.nodeName)")
        }
        return try RootTokenSession(endpoint: endpoint, keySet: keySet)
    }

    private func withRoot(
        _ cluster: String, _ body: (AgentEndpoint, String) throws(ControllerError) -> Void
    ) throws(ControllerError) {
        let (endpoint, state) = try activeEndpoint(cluster)
        let session = try session(endpoint, state)
        defer { session.close() }
        try body(endpoint, session.token)
    }
}
