/// A ``ClusterProtocol`` with its PEM texts parsed once, ready for the handshake callbacks.
struct ServedProtocol: Sendable {
    /// The caller's definition, including the handler.
    let definition: ClusterProtocol
    /// The ALPN name as bytes.
    let name: [UInt8]
    /// The CAs a client of this protocol must chain to.
    let trust: TrustStore
    /// The certificate shown to clients of this protocol instead of the listener's, if any.
    let serverCredentials: Credentials?

    /// Parses `definition`'s PEM texts; throws `tls` when they are unreadable or the name is not 1 to 255 bytes.
    init(_ definition: ClusterProtocol) throws(TransportError) {
        self.definition = definition
        name = Array(try ALPNWire.encode([definition.alpn]).dropFirst())
        trust = try TrustStore(pem: definition.trustedCAPEM, what: "the CA of \(definition.alpn)")
        serverCredentials = try definition.serverIdentity.map { (identity) throws(TransportError) in
            try Credentials(identity: identity)
        }
    }
}
