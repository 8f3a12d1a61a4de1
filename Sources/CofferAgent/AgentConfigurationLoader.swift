import CofferBase
import CofferYAML

/// Reads an agent configuration file; every error names the file, line, column and field.
///
/// ```yaml
/// node: { name: dc1-a, cluster: dc1 }
/// api:
///   address: 0.0.0.0:8200
///   advertise: https://10.0.1.10:8200
///   tls: { certFile: pki/dc1-a.pem, keyFile: pki/dc1-a-key.pem }
///   workers: 8
///   maxRequestBytes: 33554432
/// storage:
///   sqlite: { path: data/dc1.db, synchronous: full }
/// replication: { primaryCAFile: pki/dc1-api-ca.pem }
/// controller: { caFile: pki/controller-ca.pem }
/// log: { level: info }
/// ```
public enum AgentConfigurationLoader {
    /// Loads and validates the file at `path`.
    public static func load(path: String) throws(YAMLError) -> AgentConfiguration {
        try decode(YAMLField.load(contentsOfFile: path))
    }

    /// Decodes an already parsed document.
    public static func decode(_ root: YAMLField) throws(YAMLError) -> AgentConfiguration {
        let document = try root.object()
        try document.rejectUnknownKeys(allowed: [
            "node", "api", "cluster", "storage", "replication", "ha", "controller", "log",
        ])

        let node = try document.required("node").object()
        try node.rejectUnknownKeys(allowed: ["name", "cluster"])
        let nodeName = try node.required("name").nonEmptyString()
        let clusterName = try node.required("cluster").nonEmptyString()

        let apiField = try document.required("api")
        let api = try apiField.object()
        try api.rejectUnknownKeys(allowed: ["address", "advertise", "tls", "plaintext", "workers", "maxRequestBytes"])
        let addressField = try api.required("address")
        let address = try addressField.nonEmptyString()
        guard HostPort.parse(address) != nil else { throw addressField.error("expected host:port") }
        let plaintext = try api.optional("plaintext")?.bool() ?? false
        var tls: AgentConfiguration.TLSFiles?
        if let tlsField = api.optional("tls") {
            let tlsObject = try tlsField.object()
            try tlsObject.rejectUnknownKeys(allowed: ["certFile", "keyFile"])
            tls = AgentConfiguration.TLSFiles(
                certificateFile: try tlsObject.required("certFile").nonEmptyString(),
                keyFile: try tlsObject.required("keyFile").nonEmptyString())
        }
        if tls == nil, !plaintext {
            throw apiField.error("needs tls (certFile and keyFile), or plaintext: true for plain HTTP")
        }
        if tls != nil, plaintext { throw apiField.error("tls and plaintext: true cannot both be set") }
        let scheme = plaintext ? "http" : "https"
        let advertise = try api.optional("advertise")?.nonEmptyString() ?? "\(scheme)://\(address)"
        let workers = try api.optional("workers")?.int(in: 1...1024)
        let maxRequestBytes = try api.optional("maxRequestBytes")?.int(in: 1024...(1 << 30)) ?? 32 << 20

        let storageObject = try document.required("storage").object()
        try storageObject.rejectUnknownKeys(allowed: ["sqlite", "postgresql", "inmem"])
        let storage: AgentConfiguration.StorageChoice
        if let sqliteField = storageObject.optional("sqlite") {
            let sqlite = try sqliteField.object()
            try sqlite.rejectUnknownKeys(allowed: ["path", "synchronous"])
            let synchronous = try sqlite.optional("synchronous")?.oneOf(SynchronousMode.self) ?? .full
            storage = .sqlite(path: try sqlite.required("path").nonEmptyString(), synchronous: synchronous.rawValue)
        } else if let postgresField = storageObject.optional("postgresql") {
            let postgres = try postgresField.object()
            try postgres.rejectUnknownKeys(allowed: ["connection"])
            storage = .postgresql(connection: try postgres.required("connection").nonEmptyString())
        } else if storageObject.contains("inmem") {
            storage = .inMemory
        } else {
            throw storageObject.field.error("needs one of sqlite, postgresql or inmem")
        }

        var level = LogLevel.info
        if let logField = document.optional("log") {
            let log = try logField.object()
            try log.rejectUnknownKeys(allowed: ["level"])
            if let levelField = log.optional("level") {
                guard let parsed = LogLevel(name: try levelField.string()) else {
                    throw levelField.error("expected one of trace, debug, info, warning, error")
                }
                level = parsed
            }
        }

        var configuration = AgentConfiguration(
            nodeName: nodeName, clusterName: clusterName, apiAddress: address, advertiseAddress: advertise, tls: tls,
            plaintext: plaintext, workerThreads: workers, maxRequestBytes: maxRequestBytes, storage: storage,
            logLevel: level)
        if let clusterField = document.optional("cluster") {
            let cluster = try clusterField.object()
            try cluster.rejectUnknownKeys(allowed: ["address", "advertise"])
            if let field = cluster.optional("address") {
                let text = try field.nonEmptyString()
                guard HostPort.parse(text) != nil else { throw field.error("expected host:port") }
                configuration.clusterAddress = text
            }
            configuration.clusterAdvertiseAddress = try cluster.optional("advertise")?.nonEmptyString()
        }
        if let haField = document.optional("ha") {
            let ha = try haField.object()
            try ha.rejectUnknownKeys(allowed: ["enabled", "lockTTLMilliseconds", "pollMilliseconds"])
            if try ha.optional("enabled")?.bool() ?? true {
                var settings = AgentConfiguration.HASettings()
                if let field = ha.optional("lockTTLMilliseconds") {
                    settings.lockTTLMilliseconds = try field.int(in: 300...600_000)
                }
                if let field = ha.optional("pollMilliseconds") {
                    settings.pollMilliseconds = try field.int(in: 20...60_000)
                }
                configuration.ha = settings
            }
        }
        if let replicationField = document.optional("replication") {
            let replication = try replicationField.object()
            try replication.rejectUnknownKeys(allowed: ["walMaxRecords", "walMaxBytes", "primaryCAFile"])
            if let field = replication.optional("walMaxBytes") {
                configuration.walMaxBytes = try field.int(in: 1 << 16...(1 << 40))
            }
            if let field = replication.optional("walMaxRecords") {
                configuration.walMaxRecords = try field.int(in: 1...100_000_000)
            }
            configuration.primaryCAFile = try replication.optional("primaryCAFile")?.nonEmptyString()
        }
        if let controllerField = document.optional("controller") {
            let controller = try controllerField.object()
            try controller.rejectUnknownKeys(allowed: ["caFile"])
            // Client certificates exist only in a TLS handshake.
            if plaintext { throw controllerField.error("needs TLS on the API listener, not plaintext: true") }
            configuration.controllerCAFile = try controller.required("caFile").nonEmptyString()
        }
        return configuration
    }

    /// SQLite's durability settings as the file spells them.
    enum SynchronousMode: String, CaseIterable {
        case full, normal, off
    }
}
