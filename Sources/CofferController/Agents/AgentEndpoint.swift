import CofferBase
import CofferClient

/// One agent as the controller reaches it: its `/agent/v1/` management API and the node's Vault API,
/// both on the agent URL, over mutual TLS with the manifest's CA.
public struct AgentEndpoint: Sendable {
    /// An answer of the node's Vault API.
    public struct Reply: Sendable {
        public var status: Int
        public var body: JSON?

        /// The `errors` of a Vault error body, joined.
        public var errorText: String {
            let errors = body?["errors"]?.arrayValue?.compactMap(\.stringValue) ?? []
            return errors.isEmpty ? "status \(status)" : "status \(status): " + errors.joined(separator: "; ")
        }
    }

    public let nodeName: String
    public let baseURL: String
    private let client: HTTPClient

    /// An endpoint for `node` that uses `client` (which carries the controller's TLS identity).
    public init(node: NodeSpec, client: HTTPClient) {
        nodeName = node.name
        var url = node.agent
        while url.hasSuffix("/") { url.removeLast() }
        baseURL = url
        self.client = client
    }

    /// `GET /agent/v1/state`, which carries the identity members too.
    public func state() throws(ControllerError) -> NodeState {
        NodeState(state: try get("/agent/v1/state"))
    }

    /// A Vault API call; `path` is below `/v1/`. Transport failures throw; HTTP errors are returned.
    public func vault(
        _ method: String, _ path: String, body: JSON? = nil, token: String? = nil
    ) throws(ControllerError) -> Reply {
        var headers: [(name: String, value: String)] = [("X-Vault-Request", "true")]
        if let token { headers.append(("X-Vault-Token", token)) }
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let response: ClientResponse
        do {
            response = try client.send(
                method: method, url: baseURL + "/v1/" + path, headers: headers, body: body.map { $0.serialized() })
        } catch {
            throw ControllerError(.agentUnreachable, "\(nodeName): \(error.reason)")
        }
        return Reply(status: response.status, body: response.body.isEmpty ? nil : try? JSON.parse(response.body))
    }

    /// A Vault API call that must succeed (2xx); its body.
    @discardableResult
    public func vaultExpectingSuccess(
        _ method: String, _ path: String, body: JSON? = nil, token: String? = nil
    ) throws(ControllerError) -> JSON {
        let reply = try vault(method, path, body: body, token: token)
        guard (200..<300).contains(reply.status) else {
            throw ControllerError(.agentRefused, "\(nodeName): \(method) \(path): \(reply.errorText)")
        }
        return reply.body ?? .null
    }

    private func get(_ path: String) throws(ControllerError) -> JSON {
        let response: ClientResponse
        do {
            response = try client.send(method: "GET", url: baseURL + path)
        } catch {
            throw ControllerError(.agentUnreachable, "\(nodeName): \(error.reason)")
        }
        let body = try? JSON.parse(response.body)
        guard response.status == 200, let body else {
            let errors = body?["errors"]?.arrayValue?.compactMap(\.stringValue).joined(separator: "; ") ?? ""
            throw ControllerError(
                .agentRefused,
                "\(nodeName): GET \(path): status \(response.status)\(errors.isEmpty ? "" : ": " + errors)")
        }
        return body
    }
}
