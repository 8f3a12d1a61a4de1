/// One complete HTTP request as the server hands it to an ``HTTPHandler``.
public struct HTTPRequest: Sendable {
    /// The method exactly as sent, e.g. `GET` or Vault's non-standard `LIST`.
    public var method: String
    /// The percent-decoded path without the query, e.g. `/v1/secret/data/a b`.
    public var path: String
    /// The decoded query parameters; when a name repeats, the last value wins.
    public var query: [String: String]
    /// The request headers in arrival order, names lower-cased.
    public var headers: [(name: String, value: String)]
    /// The request body, empty when none was sent.
    public var body: [UInt8]
    /// The peer's IP address, without the port.
    public var remoteAddress: String
    /// Whether the request arrived over TLS.
    public var isTLS: Bool
    /// The protocol negotiated by ALPN, if any.
    public var alpn: String?
    /// The RFC 2253 subject of the verified client certificate, if one was presented.
    public var peerCertificateSubject: String?
    /// The DER encoding of the verified client certificate, if one was presented.
    public var peerCertificateDER: [UInt8]?

    /// Creates a request; the server builds these, tests and adapters may too.
    public init(
        method: String, path: String, query: [String: String] = [:], headers: [(name: String, value: String)] = [],
        body: [UInt8] = [], remoteAddress: String = "", isTLS: Bool = false, alpn: String? = nil,
        peerCertificateSubject: String? = nil, peerCertificateDER: [UInt8]? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.isTLS = isTLS
        self.alpn = alpn
        self.peerCertificateSubject = peerCertificateSubject
        self.peerCertificateDER = peerCertificateDER
    }

    /// The value of the first header with this name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name == wanted }?.value
    }
}
