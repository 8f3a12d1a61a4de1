import CofferBase
import CofferCore

/// Maps Vault's HTTP wire conventions (DESIGN.md §6) onto the core: `/v1/` paths, token headers,
/// JSON bodies, and the response envelope or `{"errors": [...]}`.
public struct VaultHTTPHandler: HTTPHandler {
    private let core: Core
    private let logger: Logger

    public init(core: Core, logger: Logger) {
        self.core = core
        self.logger = logger
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        guard request.path.hasPrefix("/v1/") else {
            return Self.render(
                .error(.unsupportedPath(String(request.path.drop { $0 == "/" }))), method: request.method)
        }
        var path = Substring(request.path.dropFirst(4))
        while path.hasPrefix("/") { path = path.dropFirst() }
        let method = request.method.uppercased()
        var body: JSON?
        if !request.body.isEmpty, method != "GET", method != "HEAD" {
            do {
                body = try JSON.parse(request.body)
            } catch {
                return Self.render(.error(.badRequest("failed to parse JSON input: \(error.reason)")), method: method)
            }
        }
        var vaultRequest = VaultRequest(
            method: method, path: String(path), query: request.query, body: body, token: Self.token(from: request))
        do {
            vaultRequest.wrapTTL = try VaultRequest.wrapTTL(header: request.header("x-vault-wrap-ttl"))
        } catch {
            return Self.render(.error(error), method: method)
        }
        vaultRequest.wrapFormat = request.header("x-vault-wrap-format")
        vaultRequest.noForward = !(request.header("x-vault-no-request-forwarding") ?? "").isEmpty
        vaultRequest.remoteAddress = request.remoteAddress.isEmpty ? nil : request.remoteAddress
        let response = core.handle(vaultRequest)
        logger.trace("request served", ["http.method": method, "http.status": "\(response.status)"])
        return Self.render(response, method: method)
    }

    /// The client token from `X-Vault-Token`, or from `Authorization: Bearer`.
    static func token(from request: HTTPRequest) -> String? {
        if let token = request.header("x-vault-token"), !token.isEmpty { return token }
        if let authorization = request.header("authorization"), authorization.lowercased().hasPrefix("bearer ") {
            return String(authorization.dropFirst(7)).trimmingCharacters(in: " ")
        }
        return nil
    }

    static func render(_ response: VaultResponse, method: String) -> HTTPResponse {
        var headers: [(name: String, value: String)] = [("Cache-Control", "no-store")]
        headers.append(contentsOf: response.headers)
        if let raw = response.rawBody, method != "HEAD" {
            headers.append(("Content-Type", response.contentType ?? "application/octet-stream"))
            return HTTPResponse(status: response.status, headers: headers, body: raw)
        }
        guard let body = response.body, method != "HEAD" else {
            return HTTPResponse(status: response.status, headers: headers)
        }
        headers.append(("Content-Type", "application/json"))
        var bytes = body.serialized()
        bytes.append(0x0A)
        return HTTPResponse(status: response.status, headers: headers, body: bytes)
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}
