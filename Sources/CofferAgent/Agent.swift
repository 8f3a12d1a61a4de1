import CofferBase
import CofferCore
import CofferHTTP
import CofferReplication
import CofferStorage
import Glibc

/// Why an agent could not start.
public struct AgentError: Error, CustomStringConvertible, Sendable {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { "agent: \(reason)" }
}

/// One agent daemon: a node's storage and core behind its API listener.
public final class Agent: Sendable {
    public let configuration: AgentConfiguration
    public let core: Core
    private let server: HTTPServer
    private let replication: ReplicationManager
    private let ha: HAManager?
    private let clusterPort: ClusterPort
    private let logger: Logger

    /// Opens storage, builds the core and the listener; nothing listens until `start()`.
    public init(configuration: AgentConfiguration, logger: Logger) throws(AgentError) {
        self.configuration = configuration
        self.logger = logger
        let storage: any Storage
        let storageType: String
        switch configuration.storage {
        case .inMemory:
            storage = InMemoryStorage()
            storageType = "inmem"
        case .sqlite(let path, let synchronous):
            guard let mode = SQLiteSynchronous(rawValue: synchronous) else {
                throw AgentError("unknown sqlite synchronous mode \"\(synchronous)\"")
            }
            do { storage = try SQLiteStorage(path: path, synchronous: mode) } catch {
                throw AgentError("cannot open storage: \(error)")
            }
            storageType = "sqlite"
        case .postgresql(let connection):
            do { storage = try PostgreSQLStorage(connectionString: connection) } catch {
                throw AgentError("cannot open storage: \(error)")
            }
            storageType = "postgresql"
        }
        guard let (host, port) = HostPort.parse(configuration.apiAddress) else {
            throw AgentError("api address \"\(configuration.apiAddress)\" is not host:port")
        }
        let coreConfiguration = CoreConfiguration(
            clusterName: configuration.clusterName, nodeName: configuration.nodeName, storageType: storageType,
            apiAddress: configuration.advertiseAddress)
        do {
            core = try Core(configuration: coreConfiguration, storage: storage, logger: logger.named("coffer.core"))
        } catch {
            throw AgentError("cannot open the node: \(error)")
        }
        guard let (clusterHost, clusterPortNumber) = configuration.clusterListenAddress else {
            throw AgentError("cluster address is not host:port")
        }
        let clusterPort = ClusterPort(host: clusterHost, port: clusterPortNumber, logger: logger)
        self.clusterPort = clusterPort
        let clusterAdvertiseAddress =
            configuration.clusterAdvertiseAddress ?? "https://\(clusterHost):\(clusterPortNumber)"
        if let settings = configuration.ha {
            var haConfiguration = HAConfiguration(
                nodeName: configuration.nodeName, apiAddress: configuration.advertiseAddress,
                clusterAddress: clusterAdvertiseAddress)
            haConfiguration.lockTTLMilliseconds = settings.lockTTLMilliseconds
            haConfiguration.pollMilliseconds = settings.pollMilliseconds
            ha = HAManager(
                core: core, storage: storage, clusterPort: clusterPort, configuration: haConfiguration,
                logger: logger.named("coffer.ha"))
        } else {
            ha = nil
        }
        var replicationConfiguration = ReplicationConfiguration(
            listenHost: clusterHost, listenPort: clusterPortNumber, advertiseAddress: clusterAdvertiseAddress,
            apiAddress: configuration.advertiseAddress)
        replicationConfiguration.walMaxRecords = configuration.walMaxRecords
        replicationConfiguration.walMaxBytes = configuration.walMaxBytes
        replicationConfiguration.primaryCAFile = configuration.primaryCAFile
        do {
            replication = try ReplicationManager(
                core: core, storage: storage, clusterPort: clusterPort, configuration: replicationConfiguration,
                logger: logger.named("coffer.replication"))
        } catch {
            throw AgentError("cannot start replication: \(error)")
        }
        var serverConfiguration = HTTPServerConfiguration(host: host, port: port)
        if let tls = configuration.tls {
            // The controller's certificate is asked for, not required: Vault clients have none.
            serverConfiguration.tls = TLSServerConfiguration(
                certificateChainFile: tls.certificateFile, privateKeyFile: tls.keyFile,
                clientCAFile: configuration.controllerCAFile, requireClientCertificate: false)
        } else if !configuration.plaintext {
            throw AgentError("the API listener needs tls files, or plaintext: true")
        } else if configuration.controllerCAFile != nil {
            throw AgentError("controller.caFile needs TLS on the API listener")
        }
        if let workers = configuration.workerThreads { serverConfiguration.workerThreads = workers }
        serverConfiguration.maxBodyBytes = configuration.maxRequestBytes
        let identity = AgentIdentity(
            nodeName: configuration.nodeName, clusterName: configuration.clusterName, storageType: storageType,
            apiAddress: configuration.advertiseAddress, clusterAddress: clusterAdvertiseAddress)
        let handler = AgentHTTPHandler(
            vault: VaultHTTPHandler(core: core, logger: logger.named("coffer.http")), core: core, identity: identity,
            controllerConfigured: configuration.controllerCAFile != nil, logger: logger.named("coffer.agent"))
        do {
            server = try HTTPServer(
                configuration: serverConfiguration, handler: handler, logger: logger.named("coffer.http"))
        } catch {
            throw AgentError("cannot create the API listener: \(error)")
        }
    }

    /// Starts listening.
    public func start() throws(AgentError) {
        do { try server.start() } catch { throw AgentError("cannot start the API listener: \(error)") }
        logger.info(
            "agent listening",
            ["node.name": configuration.nodeName, "api.address": configuration.apiAddress, "api.port": "\(boundPort)"])
    }

    /// The port the API listener is bound to.
    public var boundPort: Int { server.boundPort }

    /// Stops the listener and drops the keys from memory.
    public func stop() {
        server.stop()
        ha?.shutdown()
        replication.suspend()
        clusterPort.stop()
        core.seal()
        logger.info("agent stopped", ["node.name": configuration.nodeName])
    }
}
