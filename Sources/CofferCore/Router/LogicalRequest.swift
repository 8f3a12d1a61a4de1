import CofferBase

/// A request as a backend sees it: the operation, the path below the mount, and the input fields.
public struct LogicalRequest: Sendable {
    /// The operation; `create` and `update` are told apart by the router's existence check.
    public var operation: LogicalOperation
    /// The path relative to the mount, without a leading slash (for `secret/data/a` on `secret/`: `data/a`).
    public var path: String
    /// The JSON body's members for writes, or the query parameters for reads and lists.
    public var data: [String: JSON]
    /// The mount's path with its trailing slash, e.g. `secret/`.
    public var mountPath: String
    /// The client's IP address when the request came over the network, for bound CIDRs.
    public var remoteAddress: String?

    public init(operation: LogicalOperation, path: String, data: [String: JSON] = [:], mountPath: String = "") {
        self.operation = operation
        self.path = path
        self.data = data
        self.mountPath = mountPath
    }
}
