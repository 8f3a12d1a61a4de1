import CofferBase

/// A request to the Vault API as the HTTP layer hands it to the core.
public struct VaultRequest: Sendable {
    /// The HTTP method, upper-case (`GET`, `PUT`, `POST`, `DELETE`, `PATCH`, `LIST`, `HEAD`).
    public var method: String
    /// The path below `/v1/`, without a leading slash (`secret/data/app`).
    public var path: String
    /// Decoded query parameters.
    public var query: [String: String]
    /// The parsed JSON body, `nil` when the body was empty.
    public var body: JSON?
    /// The client token from `X-Vault-Token` or `Authorization: Bearer`.
    public var token: String?
    /// `X-Vault-No-Request-Forwarding`: a standby answers 307 instead of forwarding.
    public var noForward: Bool = false
    /// The `X-Vault-Wrap-TTL` in seconds: wrap a successful response for this long.
    public var wrapTTL: Int64?
    /// The `X-Vault-Wrap-Format` (`jwt`, or absent for an opaque token).
    public var wrapFormat: String?
    /// The client's IP address, without the port; `nil` for requests made in process.
    public var remoteAddress: String?

    public init(method: String, path: String, query: [String: String] = [:], body: JSON? = nil, token: String? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.token = token
    }
}

/// What the core answers: a status and an optional JSON body.
public struct VaultResponse: Sendable {
    public var status: Int
    /// The body; `nil` for none (204, or HEAD).
    public var body: JSON?
    /// Extra headers, e.g. `Location` for redirects.
    public var headers: [(name: String, value: String)]
    /// A body that is not JSON (Prometheus metrics), sent as is with `contentType`.
    public var rawBody: [UInt8]?
    public var contentType: String?

    public init(status: Int, body: JSON? = nil, headers: [(name: String, value: String)] = []) {
        self.status = status
        self.body = body
        self.headers = headers
    }

    /// A response with a body that is not JSON.
    public init(status: Int, rawBody: [UInt8], contentType: String) {
        self.status = status
        self.body = nil
        self.headers = []
        self.rawBody = rawBody
        self.contentType = contentType
    }

    /// Vault's error body for an error.
    public static func error(_ error: CofferError) -> VaultResponse {
        VaultResponse(status: error.status, body: ["errors": .strings(error.messages)])
    }
}
