import CofferBase

/// What the replication layer plugs into the core (DESIGN.md §4). The core cannot import the
/// replication module, which sits above it; the agent attaches one of these at start.
public protocol ReplicationExtension: AnyObject, Sendable {
    /// Serves an authenticated `sys/replication/<path>` request after the ACL check.
    func handle(path: String, operation: LogicalOperation, data: [String: JSON]) throws(CofferError) -> VaultResponse

    /// The unauthenticated status bodies: `sys/replication/status` (`path` empty), or the
    /// `performance` and `dr` variants.
    func status(path: String) throws(CofferError) -> JSON

    /// Sends a write that must happen on the primary there, and answers once this cluster has
    /// applied its effect (or after a bounded wait, with a warning).
    func forward(_ request: VaultRequest) throws(CofferError) -> VaultResponse

    /// `disabled`, `primary`, `secondary` or `bootstrapping`, for `sys/health`.
    var performanceMode: String { get }

    /// Gauges for `sys/metrics`: name, help text, value.
    var metrics: [(String, String, Double)] { get }
}
