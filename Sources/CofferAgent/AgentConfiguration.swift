import CofferBase

/// An agent's configuration file (`Agents/*.yaml`): which node it runs and how it listens and stores.
public struct AgentConfiguration: Sendable, Equatable {
    /// TLS files of the API listener.
    public struct TLSFiles: Sendable, Equatable {
        public var certificateFile: String
        public var keyFile: String
    }

    /// Where the node keeps its data.
    public enum StorageChoice: Sendable, Equatable {
        case sqlite(path: String, synchronous: String)
        /// A libpq connection string, for clusters whose nodes live on different hosts.
        case postgresql(connection: String)
        case inMemory
    }

    public var nodeName: String
    public var clusterName: String
    /// `host:port` of the API listener.
    public var apiAddress: String
    /// The address clients and other nodes should use to reach this node, e.g. `https://10.0.1.10:8200`.
    public var advertiseAddress: String
    /// `nil` only when `plaintext` is set: plain HTTP must be asked for explicitly.
    public var tls: TLSFiles?
    public var plaintext: Bool
    public var workerThreads: Int?
    public var maxRequestBytes: Int
    public var storage: StorageChoice
    public var logLevel: LogLevel
    /// `host:port` of the cluster listener (replication); the API port + 1 unless configured.
    public var clusterAddress: String?
    /// The cluster address other clusters dial, e.g. `https://10.0.1.10:8201`.
    public var clusterAdvertiseAddress: String?
    /// WAL retention on a primary: records kept for secondaries that fall behind.
    public var walMaxRecords: Int = 100_000
    /// HA: when set, the node elects an active node with the other nodes on the same storage.
    public var ha: HASettings?

    /// HA settings of an agent.
    public struct HASettings: Sendable, Equatable {
        public var lockTTLMilliseconds: Int = 5000
        public var pollMilliseconds: Int = 500

        public init() {}
    }

    /// WAL retention on a primary: bytes kept.
    public var walMaxBytes: Int = 256 << 20
    /// PEM file of the CA behind the primary's API certificate, for activation when a request
    /// names no `ca_file`.
    public var primaryCAFile: String?
    /// PEM file of the controller's CA: when set, the API listener asks TLS clients for a
    /// certificate and serves `/agent/v1/` to those it verifies against this CA.
    public var controllerCAFile: String?

    public init(
        nodeName: String, clusterName: String, apiAddress: String, advertiseAddress: String = "",
        tls: TLSFiles?, plaintext: Bool = false, workerThreads: Int? = nil, maxRequestBytes: Int = 32 << 20,
        storage: StorageChoice, logLevel: LogLevel = .info
    ) {
        self.nodeName = nodeName
        self.clusterName = clusterName
        self.apiAddress = apiAddress
        self.advertiseAddress = advertiseAddress
        self.tls = tls
        self.plaintext = plaintext
        self.workerThreads = workerThreads
        self.maxRequestBytes = maxRequestBytes
        self.storage = storage
        self.logLevel = logLevel
    }

    /// The cluster listener's host and port: configured, or the API port + 1 on the API host.
    public var clusterListenAddress: (host: String, port: Int)? {
        if let clusterAddress { return HostPort.parse(clusterAddress) }
        guard let (host, port) = HostPort.parse(apiAddress), port > 0 else { return nil }
        return (host, port + 1)
    }

    /// The configuration of `coffer agent --dev`.
    public static func development(listenAddress: String) -> AgentConfiguration {
        AgentConfiguration(
            nodeName: "dev", clusterName: "dev", apiAddress: listenAddress,
            advertiseAddress: "http://" + listenAddress, tls: nil, plaintext: true, storage: .inMemory)
    }
}

/// Splits `host:port` (IPv6 in brackets) into its parts.
public enum HostPort {
    /// The host and port, or `nil` when malformed.
    public static func parse(_ text: String) -> (host: String, port: Int)? {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (0...65535).contains(port) else { return nil }
            return (host, port)
        }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        let host = String(text[..<colon])
        return host.isEmpty ? nil : (host, port)
    }
}
