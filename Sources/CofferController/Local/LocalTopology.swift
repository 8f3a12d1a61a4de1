import CofferBase
import CofferCrypto

/// What `coffer up` builds on this host for a manifest whose agents all listen on loopback: a local
/// CA and certificates (made once), one agent configuration per node, and one SQLite file per
/// cluster shared by its nodes, all below one directory.
public struct LocalTopology: Sendable {
    /// One node's files.
    public struct NodeFiles: Sendable {
        public var node: NodeSpec
        public var cluster: ClusterSpec
        public var directory: String
        public var configFile: String
        public var logFile: String
    }

    public let manifest: Manifest
    public let directory: String
    public let nodes: [NodeFiles]

    /// Plans the files below `directory`; refuses agents that are not on loopback.
    public init(manifest: Manifest, directory: String) throws(ControllerError) {
        self.manifest = manifest
        self.directory = directory
        var nodes: [NodeFiles] = []
        for (cluster, node) in manifest.nodes {
            guard let (host, _) = node.agentAddress, ["127.0.0.1", "localhost", "::1"].contains(host) else {
                throw ControllerError(
                    .invalidInput,
                    "\(manifest.file): node \(node.name): coffer up runs agents on this host only; its agent URL "
                        + "\(node.agent) is not on loopback")
            }
            let nodeDirectory = directory + "/agents/" + node.name
            nodes.append(
                NodeFiles(
                    node: node, cluster: cluster, directory: nodeDirectory, configFile: nodeDirectory + "/agent.yaml",
                    logFile: nodeDirectory + "/agent.log"))
        }
        self.nodes = nodes
    }

    /// Makes what is missing: the CA and the controller's certificate at the manifest's trust paths,
    /// each agent's certificate, and each agent's configuration (rewritten every time).
    public func prepare() throws(ControllerError) {
        try Files.makeDirectory(directory, mode: 0o700)
        let trust = manifest.trust
        let caKeyFile = Files.directory(of: trust.caFile) + "/ca-key.pem"
        let (ca, caKey) = try certificateAuthority(certificateFile: trust.caFile, keyFile: caKeyFile)
        if !Files.exists(trust.certificateFile) || !Files.exists(trust.keyFile) {
            try issue(
                CertificateRequest(commonName: "coffer-controller", serverAuth: false, clientAuth: true),
                by: (ca, caKey), certificateFile: trust.certificateFile, keyFile: trust.keyFile)
        }
        try Files.makeDirectory(directory + "/data", mode: 0o700)
        for files in nodes {
            try Files.makeDirectory(files.directory, mode: 0o700)
            let certificateFile = files.directory + "/tls.pem"
            let keyFile = files.directory + "/tls-key.pem"
            if !Files.exists(certificateFile) || !Files.exists(keyFile) {
                let request = CertificateRequest(
                    commonName: files.node.name, dnsNames: ["localhost"], ipAddresses: ["127.0.0.1", "::1"],
                    serverAuth: true, clientAuth: true)
                try issue(request, by: (ca, caKey), certificateFile: certificateFile, keyFile: keyFile)
            }
            try Files.replace(
                files.configFile,
                bytes: Array(configuration(files, certificateFile: certificateFile, keyFile: keyFile).utf8))
        }
    }

    private func configuration(_ files: NodeFiles, certificateFile: String, keyFile: String) -> String {
        let (host, port) = files.node.agentAddress!
        let bracketed = host.contains(":") ? "[\(host)]" : host
        return """
            # Written by coffer up for \(manifest.file); rewritten on every run.
            node: { name: \(files.node.name), cluster: \(files.cluster.name) }
            api:
              address: "\(bracketed):\(port)"
              advertise: "\(files.node.agent)"
              tls: { certFile: "\(Files.absolute(certificateFile))", keyFile: "\(Files.absolute(keyFile))" }
            cluster:
              address: "\(bracketed):\(port + 1)"
              advertise: "https://\(bracketed):\(port + 1)"
            storage:
              sqlite: { path: "\(Files.absolute(directory + "/data/" + files.cluster.name + ".db"))" }
            ha: { lockTTLMilliseconds: 3000, pollMilliseconds: 250 }
            controller: { caFile: "\(Files.absolute(manifest.trust.caFile))" }
            replication: { primaryCAFile: "\(Files.absolute(manifest.trust.caFile))" }
            log: { level: info }

            """
    }

    private func certificateAuthority(
        certificateFile: String, keyFile: String
    ) throws(ControllerError) -> (Certificate, PrivateKey) {
        do {
            if let certificatePEM = Files.readText(certificateFile), let keyPEM = Files.readText(keyFile) {
                return (try Certificate(pem: certificatePEM), try PrivateKey(pem: keyPEM))
            }
            if Files.exists(certificateFile) {
                throw ControllerError(
                    .invalidInput,
                    "\(certificateFile) exists but its key \(keyFile) does not; coffer up cannot issue certificates")
            }
            try Files.makeDirectory(Files.directory(of: certificateFile), mode: 0o700)
            let key = try PrivateKey(generating: .p256)
            let certificate = try CertificateAuthority.selfSigned(
                CertificateRequest(
                    commonName: "Coffer local CA (\(manifest.name))", validityDays: 3650, isCertificateAuthority: true,
                    serverAuth: false, clientAuth: false), key: key)
            try Files.createExclusive(keyFile, bytes: Array(key.pem.utf8))
            try Files.createExclusive(certificateFile, bytes: Array(certificate.pem.utf8), mode: 0o644)
            return (certificate, key)
        } catch let error as ControllerError {
            throw error
        } catch {
            throw ControllerError(.system, "cannot make the local CA: \(error)")
        }
    }

    private func issue(
        _ request: CertificateRequest, by issuer: (Certificate, PrivateKey), certificateFile: String, keyFile: String
    ) throws(ControllerError) {
        do {
            try Files.makeDirectory(Files.directory(of: certificateFile), mode: 0o700)
            let key = try PrivateKey(generating: .p256)
            let certificate = try CertificateAuthority.issue(
                request, publicKey: key.publicKey, issuer: issuer.0, issuerKey: issuer.1)
            try Files.replace(keyFile, bytes: Array(key.pem.utf8))
            try Files.replace(certificateFile, bytes: Array(certificate.pem.utf8), mode: 0o644)
        } catch let error as ControllerError {
            throw error
        } catch {
            throw ControllerError(.system, "cannot issue a certificate for \(request.commonName): \(error)")
        }
    }
}
