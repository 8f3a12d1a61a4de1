import CofferBase

/// Everything that exists only while the node is unsealed; dropped whole when it seals.
final class UnsealedNode: Sendable {
    let mounts: MountRegistry
    /// The auth methods below `auth/` (`sys/auth`).
    let authMounts: MountRegistry
    let tokens: TokenStore
    let policies: PolicyStore
    let wrapping: WrappingStore
    /// The audit devices (`sys/audit`).
    let audit: AuditRegistry
    let clusterName: String
    let clusterID: String
    let activeSince: Timestamp

    init(barrier: Barrier, clusterName: String, clusterID: String) throws(CofferError) {
        self.mounts = try MountRegistry(store: barrier)
        self.authMounts = try MountRegistry(store: barrier, kind: .auth)
        self.tokens = try TokenStore(view: StorageView(store: barrier, prefix: DataClass.localPrefix + "token/"))
        self.policies = PolicyStore(view: StorageView(store: barrier, prefix: "sys/policy/"))
        self.wrapping = try WrappingStore(
            view: StorageView(store: barrier, prefix: DataClass.localPrefix + "wrapping/"),
            keyView: StorageView(store: barrier, prefix: "sys/wrapping/"))
        self.audit = try AuditRegistry(store: barrier)
        self.clusterName = clusterName
        self.clusterID = clusterID
        self.activeSince = Clock.now()
    }
}
