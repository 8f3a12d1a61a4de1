import CofferClient

/// The controller's TLS identity from the manifest's `trust` files, and the client that uses it.
public enum ControllerTLS {
    /// Reads the CA, certificate and key named by `trust`; relative paths are against the working directory.
    public static func client(trust: TrustSettings, timeoutSeconds: Int = 90) throws(ControllerError) -> HTTPClient {
        func load(_ path: String, _ field: String) throws(ControllerError) -> String {
            guard let text = Files.readText(path) else {
                throw ControllerError(.invalidInput, "spec.trust.\(field): cannot read \(path)")
            }
            return text
        }
        let tls = ClientTLS(
            caPEM: try load(trust.caFile, "caFile"), certificatePEM: try load(trust.certificateFile, "certFile"),
            privateKeyPEM: try load(trust.keyFile, "keyFile"))
        return HTTPClient(tls: tls, timeoutSeconds: timeoutSeconds)
    }
}
