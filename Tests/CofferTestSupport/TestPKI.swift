import Foundation

/// A throwaway PKI made once per test process with the `openssl` command line: a CA, a server
/// certificate for 127.0.0.1, a client certificate, and an unrelated second CA.
public struct TestPKI: Sendable {
    public let caPEM: String
    public let serverCertificatePEM: String
    public let serverKeyPEM: String
    public let clientCertificatePEM: String
    public let clientKeyPEM: String
    public let otherCAPEM: String
    /// Base64 SHA-256 of the server key's SubjectPublicKeyInfo, as certificate pinning uses it.
    public let serverPublicKeyPin: String

    public static let clientSubject = "CN=test-client,O=Coffer Test"

    /// The process-wide PKI; generating it takes a few openssl runs, so tests share it.
    public static func shared() throws -> TestPKI { try cached.get() }

    private static let cached = Result { try TestPKI.generate() }

    private static let extensions = """
        [req]
        distinguished_name = dn
        prompt = no
        [dn]
        [ca]
        basicConstraints = critical,CA:TRUE
        keyUsage = critical,keyCertSign,cRLSign
        [server]
        basicConstraints = critical,CA:FALSE
        subjectAltName = IP:127.0.0.1
        extendedKeyUsage = serverAuth
        [client]
        basicConstraints = critical,CA:FALSE
        extendedKeyUsage = clientAuth
        """

    private static func generate() throws -> TestPKI {
        let directory = try TemporaryDirectory()
        let config = directory.path("openssl.cnf")
        try extensions.write(toFile: config, atomically: true, encoding: .utf8)
        func issue(_ name: String, subject: String, section: String, signedBy issuer: String?) throws {
            var arguments = [
                "req", "-x509", "-config", config, "-extensions", section, "-newkey", "ec",
                "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", subject,
                "-keyout", directory.path("\(name).key"), "-out", directory.path("\(name).pem"),
            ]
            if let issuer {
                arguments += ["-CA", directory.path("\(issuer).pem"), "-CAkey", directory.path("\(issuer).key")]
            }
            try runOpenSSL(arguments)
        }
        try issue("ca", subject: "/O=Coffer Test/CN=Test CA", section: "ca", signedBy: nil)
        try issue("other", subject: "/O=Elsewhere/CN=Other CA", section: "ca", signedBy: nil)
        try issue("server", subject: "/CN=127.0.0.1", section: "server", signedBy: "ca")
        try issue("client", subject: "/O=Coffer Test/CN=test-client", section: "client", signedBy: "ca")
        try runOpenSSL([
            "pkey", "-in", directory.path("server.key"), "-pubout", "-outform", "DER", "-out", directory.path("spki"),
        ])
        try runOpenSSL(["dgst", "-sha256", "-binary", "-out", directory.path("pin"), directory.path("spki")])
        func read(_ name: String) throws -> String { try String(contentsOfFile: directory.path(name), encoding: .utf8) }
        let pin = try Data(contentsOf: URL(fileURLWithPath: directory.path("pin"))).base64EncodedString()
        return TestPKI(
            caPEM: try read("ca.pem"), serverCertificatePEM: try read("server.pem"),
            serverKeyPEM: try read("server.key"), clientCertificatePEM: try read("client.pem"),
            clientKeyPEM: try read("client.key"), otherCAPEM: try read("other.pem"), serverPublicKeyPin: pin)
    }

    private static func runOpenSSL(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "openssl \(arguments[0]) failed"])
        }
    }
}

/// A directory under the system temp dir, removed when the value is released.
public final class TemporaryDirectory {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("coffer-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `contents` to `name` and returns its path.
    public func write(_ name: String, _ contents: String) throws -> String {
        let file = path(name)
        try contents.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
}
