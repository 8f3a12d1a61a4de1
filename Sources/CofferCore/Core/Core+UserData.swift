import CofferBase

extension Core {
    /// Policies every initialized node has, which no operator wrote.
    static let builtInPolicies: Set<String> = ["root", "default", "response-wrapping"]

    /// Mount paths a fresh `sys/init` creates: none, since the built-in paths (`sys/`, `auth/token/`)
    /// are served outside the mount table.
    static let mountsCreatedByInit: Set<String> = []

    /// Whether this node holds data an operator put there: a mount that `sys/init` did not create,
    /// any entry stored below a mount, or a policy that is not built in. Enabling a cluster as a
    /// secondary wipes it, so a controller asks this before it does.
    ///
    /// Reads the mount table from storage rather than the cached one, which on a standby may
    /// predate mounts the active node made since.
    /// - Throws: 503 when sealed, or a storage error.
    public func holdsUserData() throws(CofferError) -> Bool {
        let node = try unsealedNode()
        let mounts = try MountRegistry(store: barrier).table.entries.values
        if mounts.contains(where: { !Self.mountsCreatedByInit.contains($0.path) }) { return true }
        for mount in mounts where try !barrier.list(mount.dataPrefix).isEmpty { return true }
        return try node.policies.names().contains { !Self.builtInPolicies.contains($0) }
    }
}
