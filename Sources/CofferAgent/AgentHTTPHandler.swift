import CofferBase
import CofferCore
import CofferHTTP

/// The agent's API listener: `/agent/v1/` is the management API for the controller (DESIGN.md §1),
/// every other path goes to Vault's API unchanged.
///
/// The management API answers only requests whose TLS client certificate the listener verified
/// against the controller's CA. The handshake does not require a certificate, so Vault clients
/// without one keep working on the same port.
public struct AgentHTTPHandler: HTTPHandler {
    /// Paths below this prefix are the management API.
    public static let prefix = "/agent/v1/"

    private let vault: VaultHTTPHandler
    let core: Core
    let identity: AgentIdentity
    private let controllerConfigured: Bool
    private let logger: Logger

    /// Wraps `vault`; `controllerConfigured` says whether the listener verifies client
    /// certificates against a controller CA, without which the management API is off.
    public init(
        vault: VaultHTTPHandler, core: Core, identity: AgentIdentity, controllerConfigured: Bool, logger: Logger
    ) {
        self.vault = vault
        self.core = core
        self.identity = identity
        self.controllerConfigured = controllerConfigured
        self.logger = logger
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        guard request.path.hasPrefix(Self.prefix) else { return vault.handle(request) }
        let response: HTTPResponse
        do {
            response = Self.render(status: 200, try serve(request))
        } catch {
            response = Self.render(status: error.status, ["errors": .strings(error.messages)])
        }
        logger.debug(
            "agent API request",
            ["http.method": request.method, "http.path": request.path, "http.status": "\(response.status)"])
        return response
    }

    private func serve(_ request: HTTPRequest) throws(CofferError) -> JSON {
        guard controllerConfigured else {
            throw CofferError(status: 404, "the agent management API is off: this agent has no controller.caFile")
        }
        // The listener sets the certificate only when it verified it against the controller's CA.
        guard request.peerCertificateDER != nil else {
            throw CofferError(
                status: 403, "the agent management API needs a client certificate signed by the controller's CA")
        }
        let endpoint = String(request.path.dropFirst(Self.prefix.count))
        guard ["identity", "state"].contains(endpoint) else {
            throw CofferError(status: 404, "no agent API endpoint at \"\(request.path)\"")
        }
        guard request.method == "GET" else { throw CofferError(status: 405, "\(request.path) answers GET only") }
        return endpoint == "identity" ? identity.json() : try state()
    }

    private static func render(status: Int, _ body: JSON) -> HTTPResponse {
        var headers: [(name: String, value: String)] = [
            ("Cache-Control", "no-store"), ("Content-Type", "application/json"),
        ]
        if status == 405 { headers.append(("Allow", "GET")) }
        var bytes = body.serialized()
        bytes.append(0x0A)
        return HTTPResponse(status: status, headers: headers, body: bytes)
    }
}
