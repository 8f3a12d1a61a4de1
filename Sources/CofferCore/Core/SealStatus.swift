import CofferBase

/// The answer of `sys/seal-status` and `sys/unseal`, in Vault's shape.
public struct SealStatus: Sendable, Equatable {
    public var initialized: Bool
    public var sealed: Bool
    public var threshold: Int
    public var shares: Int
    public var progress: Int
    public var nonce: String
    public var clusterName: String?
    public var clusterID: String?
    public var storageType: String
    /// Why the node sealed itself, if it did.
    public var warning: String?
    /// The stored seal configuration's key set id; reported by the agent's management API only,
    /// since Vault's seal-status shape has no such field.
    public var keySetID: String?

    /// The JSON body.
    public func json() -> JSON {
        var body: [String: JSON] = [
            "type": "shamir", "initialized": .bool(initialized), "sealed": .bool(sealed),
            "t": .int(Int64(threshold)), "n": .int(Int64(shares)), "progress": .int(Int64(progress)),
            "nonce": .string(nonce), "version": .string(CofferVersion.string), "build_date": "",
            "migration": false, "recovery_seal": false, "storage_type": .string(storageType),
        ]
        if let clusterName { body["cluster_name"] = .string(clusterName) }
        if let clusterID { body["cluster_id"] = .string(clusterID) }
        if let warning { body["warnings"] = .strings([warning]) }
        return .object(body)
    }
}

extension Core {
    /// The current seal status.
    public func sealStatus() throws(CofferError) -> SealStatus {
        var status = SealStatus(
            initialized: false, sealed: true, threshold: 0, shares: 0, progress: 0, nonce: "",
            storageType: configuration.storageType)
        switch currentState {
        case .uninitialized:
            return status
        case .sealed(let progress):
            status.warning = haSlot.current.sealReason
            let seal = try sealConfigurationForStatus()
            status.initialized = true
            status.threshold = seal.secretThreshold
            status.shares = seal.secretShares
            status.progress = progress.shares.count
            status.nonce = progress.nonce
            status.keySetID = seal.keySetID
        case .unsealed(let node):
            let seal = try sealConfigurationForStatus()
            status.initialized = true
            status.sealed = false
            status.threshold = seal.secretThreshold
            status.shares = seal.secretShares
            status.clusterName = node.clusterName
            status.clusterID = node.clusterID
            status.keySetID = seal.keySetID
        }
        return status
    }

    private func sealConfigurationForStatus() throws(CofferError) -> SealConfiguration {
        let bytes: [UInt8]?
        do { bytes = try storage.get(SealPaths.configuration) } catch { throw .storage(error) }
        guard let bytes, let seal = SealConfiguration.deserialize(bytes) else {
            throw .internalError("the stored seal configuration is malformed")
        }
        return seal
    }
}
