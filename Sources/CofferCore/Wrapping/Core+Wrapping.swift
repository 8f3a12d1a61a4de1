import CofferBase
import CofferCrypto

extension Core {
    /// Stores `response` (a full response body) under a new single-use wrapping token living `ttl`
    /// seconds and returns its `wrap_info` object; `.null` stands for a response with no body.
    ///
    /// With `format: .jwt` the token is an ES512 JWT whose `addr` is this node's API address.
    public func wrapResponse(
        _ response: JSON, ttl: Int64, creationPath: String, format: WrapFormat = .token
    ) throws(CofferError) -> JSON {
        let info = try unsealedNode().wrapping.wrap(
            body: response.isNull ? [] : response.serialized(), ttl: ttl, creationPath: creationPath,
            wrappedAccessor: response["auth"]?["accessor"]?.stringValue ?? "", format: format,
            address: configuration.apiAddress)
        return info.json
    }

    /// Spends a wrapping token (opaque or JWT) and returns the body it wrapped, `nil` when it had none.
    ///
    /// Throws `invalidWrappingToken` for an unknown, used, expired, forged or tampered token.
    public func unwrap(token: String) throws(CofferError) -> JSON? {
        try Self.parseWrappedBody(unsealedNode().wrapping.unwrap(token).body)
    }

    /// Vault's response envelope around a `wrap_info`: `data` null, status 200.
    public func wrappedEnvelope(_ wrapInfo: JSON, warnings: [String] = []) -> VaultResponse {
        let body: JSON = [
            "request_id": .string(RequestID.next()), "lease_id": "", "renewable": false, "lease_duration": 0,
            "data": .null, "wrap_info": wrapInfo, "warnings": warnings.isEmpty ? .null : .strings(warnings),
            "auth": .null, "mount_type": "",
        ]
        return VaultResponse(status: 200, body: body)
    }

    /// A stored body parsed back to JSON; `nil` for a response that had no body.
    static func parseWrappedBody(_ bytes: [UInt8]) throws(CofferError) -> JSON? {
        guard !bytes.isEmpty else { return nil }
        do { return try JSON.parse(bytes) } catch { throw .internalError("stored wrapped response is not valid JSON") }
    }

    /// The TTL and format a request wants its response wrapped with, `nil` when it wants none.
    /// Checked before the request runs, so a bad format never follows a completed write.
    static func requestedWrapping(_ request: VaultRequest) throws(CofferError) -> (ttl: Int64, format: WrapFormat)? {
        guard let ttl = request.wrapTTL, ttl > 0 else { return nil }
        return (ttl, try WrapFormat(header: request.wrapFormat))
    }

    /// Stores a successful response's body and answers with the wrapping envelope instead.
    /// Errors, bodiless responses and responses that already carry a `wrap_info` pass through.
    func wrapIfRequested(
        _ response: VaultResponse, _ wrapping: (ttl: Int64, format: WrapFormat)?, path: String
    ) throws(CofferError) -> VaultResponse {
        guard let wrapping, (200..<300).contains(response.status), let body = response.body,
            body["wrap_info"]?.isNull ?? true
        else { return response }
        let info = try wrapResponse(body, ttl: wrapping.ttl, creationPath: path, format: wrapping.format)
        var warnings: [String] = []
        if wrapping.format == .jwt, configuration.apiAddress.isEmpty {
            warnings.append("this node has no API address configured, so the JWT wrapping token carries none")
        }
        var wrapped = wrappedEnvelope(info, warnings: warnings)
        wrapped.headers = response.headers
        return wrapped
    }

    /// Serves `sys/wrapping/lookup` (unauthenticated in Vault) and an unwrap authenticated by the
    /// wrapping token itself, before the token check; `nil` when the request needs a normal token.
    func handleWrappingToken(_ request: VaultRequest, trail: AuditTrail?) throws(CofferError) -> VaultResponse? {
        guard request.path == "sys/wrapping/lookup" || request.path == "sys/wrapping/unwrap",
            request.method == "PUT" || request.method == "POST"
        else { return nil }
        let node = try unsealedNode()
        let endpoint = WrappingEndpoint(core: self, node: node, request: request)
        if request.path == "sys/wrapping/lookup" {
            try trail?.recordRequest(caller: nil)
            return try endpoint.lookup()
        }
        guard let token = request.token, !token.isEmpty else { return nil }
        let bodyToken = try endpoint.bodyToken()
        // A header token that is no live service token is taken as a wrapping token, so a used one
        // answers Vault's 400 rather than a 403.
        var selfAuthenticating = JWT.isJWT(token)
        if !selfAuthenticating { selfAuthenticating = try node.wrapping.contains(token) }
        if !selfAuthenticating, bodyToken == nil { selfAuthenticating = try node.tokens.lookup(token: token) == nil }
        guard selfAuthenticating else { return nil }
        guard bodyToken == nil else {
            throw .badRequest("give the wrapping token either as the request token or in the body, not both")
        }
        try trail?.recordRequest(caller: nil)
        return try endpoint.unwrap()
    }
}
