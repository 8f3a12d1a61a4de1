import CofferBase

extension Core {
    /// What a dev node prints once at start.
    public struct DevCredentials: Sendable {
        public let unsealKey: [UInt8]
        public let rootToken: String
    }

    /// Initializes with one share, unseals, and mounts KV v2 at `secret/`, as `server -dev` does.
    public func bootstrapDevelopment(rootTokenID: String?) throws(CofferError) -> DevCredentials {
        let result = try initialize(SealConfiguration(secretShares: 1, secretThreshold: 1), rootTokenID: rootTokenID)
        _ = try unseal(share: Hex.encode(result.shares[0]), reset: false)
        let node = try unsealedNode()
        var entry = MountRegistry.makeEntry(path: "secret/", type: "kv", local: false, options: ["version": "2"])
        entry.description = "key/value secret storage"
        try node.mounts.enable(entry)
        developmentRootTokenSlot.write { $0 = result.rootToken }
        return DevCredentials(unsealKey: result.shares[0], rootToken: result.rootToken)
    }
}
