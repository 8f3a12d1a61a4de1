import CofferBase
import CofferStorage

extension Core {
    /// Turns HA on: from now on an unsealed node is a standby until the HA layer makes it active.
    public func enableHA(_ extensionObject: any HAExtension) {
        haSlot.write {
            $0.enabled = true
            $0.extensionObject = extensionObject
        }
    }

    /// Whether HA is on.
    public var isHAEnabled: Bool { haSlot.current.enabled }

    /// Whether this node serves requests itself: unsealed, and active when HA is on.
    public var isServing: Bool {
        let ha = haSlot.current
        return !isSealed && (!ha.enabled || ha.active)
    }

    /// Whether this node is an unsealed standby.
    public var isStandby: Bool {
        let ha = haSlot.current
        return ha.enabled && !ha.active && !isSealed
    }

    /// The active node as last seen, `nil` when unknown.
    public var leader: LeaderAdvertisement? { haSlot.current.leader }

    /// Makes this node active (with its own advertisement) or a standby (with the active node's,
    /// if known). Becoming active reloads every cache from the shared storage, which another node
    /// may have changed since this one unsealed.
    public func setActive(_ active: Bool, leader: LeaderAdvertisement?) throws(CofferError) {
        let wasServing = isServing
        if active, !haSlot.current.active { try reloadFromStorage() }
        haSlot.write {
            $0.active = active
            $0.leader = leader
        }
        let serving = isServing
        if serving != wasServing {
            logger.info(serving ? "became the active node" : "became a standby")
            notifyServing(serving)
        }
    }

    /// Rebuilds the unsealed subsystems from storage.
    func reloadFromStorage() throws(CofferError) {
        guard case .unsealed = currentState else { throw CofferError.sealed }
        replaceState(.unsealed(try loadUnsealedNode()))
    }

    /// Whether the keyring in storage still opens with this node's root key: `false` when sealed,
    /// when the stored keyring is gone or when it does not open. A standby unsealed before its
    /// cluster took another cluster's keys (activation as a secondary) must not serve.
    /// - Throws: a storage error, which says nothing either way.
    public func keysMatchStorage() throws(CofferError) -> Bool {
        guard let current = barrier.currentKeyring else { return false }
        let sealed: [UInt8]?
        do { sealed = try storage.get(SealPaths.keyring) } catch { throw .storage(error) }
        guard let sealed else { return false }
        return UnsealKey.openKeyring(sealed, rootKey: current.rootKey) != nil
    }

    /// Seals this node and records why, for its log and `sys/seal-status`.
    public func sealRefusingToServe(reason: String) {
        logger.error("sealing this node instead of serving", ["reason": reason])
        haSlot.write { $0.sealReason = reason }
        seal()
    }

    /// `sys/seal`: seals and remembers that an operator asked, so that a controller leaves the node
    /// sealed until someone unseals it by hand or restarts it.
    public func sealOnRequest() {
        haSlot.write { $0.operatorSealedAt = Clock.now() }
        seal()
        logger.warning("sealed on request through sys/seal; automatic unsealing holds off until an unseal by hand")
    }

    /// When an operator sealed this node with `sys/seal`, if it is still sealed since.
    public var operatorSealedAt: Timestamp? { isSealed ? haSlot.current.operatorSealedAt : nil }

    /// A standby's answer: forwarded to the active node, or a 307 to it.
    func answerAsStandby(_ request: VaultRequest) throws(CofferError) -> VaultResponse {
        let ha = haSlot.current
        if !request.noForward, let forwarded = ha.extensionObject?.forwardToActive(request) { return forwarded }
        guard let leader = ha.leader, !leader.apiAddress.isEmpty else {
            throw CofferError(status: 503, "no active node found for this cluster")
        }
        var location = leader.apiAddress
        while location.hasSuffix("/") { location.removeLast() }
        location += "/v1/" + request.path
        if !request.query.isEmpty {
            location +=
                "?" + request.query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        }
        return VaultResponse(status: 307, headers: [("Location", location)])
    }

    /// `sys/step-down` on the active node.
    func stepDownRequested() throws(CofferError) {
        guard let ha = haSlot.current.extensionObject, haSlot.current.active else {
            throw CofferError.badRequest("this node is not the active node of an HA cluster")
        }
        ha.stepDown()
    }
}
