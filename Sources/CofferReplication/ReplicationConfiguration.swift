import CofferBase

/// How a node's replication layer listens and paces itself.
public struct ReplicationConfiguration: Sendable {
    /// Host and port of the cluster listener (the API port + 1 by default).
    public var listenHost: String
    public var listenPort: Int
    /// The cluster address other clusters dial, e.g. `https://10.0.1.10:8201`.
    public var advertiseAddress: String
    /// This node's API address, which activation tokens carry as `addr`.
    public var apiAddress: String
    /// Heartbeat period both ways; a link with no frame for three periods is dropped.
    public var heartbeatMilliseconds: Int = 1000
    /// How long a secondary waits for a forwarded write to come back before answering with a warning.
    public var forwardWaitMilliseconds: Int = 2000
    /// WAL retention on the primary.
    public var walMaxRecords: Int = 100_000
    public var walMaxBytes: Int = 256 << 20
    /// PEM file of the CA that signed the primary's API certificate, used to unwrap an activation
    /// token when `secondary/enable` or `secondary/update-primary` gives no `ca_file`.
    public var primaryCAFile: String?

    public init(listenHost: String, listenPort: Int, advertiseAddress: String, apiAddress: String) {
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.advertiseAddress = advertiseAddress
        self.apiAddress = apiAddress
    }
}
