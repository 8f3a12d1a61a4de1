import CofferBase
import CofferClient

/// A small Vault API client over the project's libcurl client, for integration tests.
struct VaultTestClient {
    let baseURL: String
    let client: HTTPClient
    var token: String?

    init(baseURL: String, tls: ClientTLS? = nil, token: String? = nil) {
        self.baseURL = baseURL
        self.client = HTTPClient(tls: tls, timeoutSeconds: 10)
        self.token = token
    }

    struct Reply {
        let status: Int
        let json: JSON?
        let raw: String
    }

    func send(
        _ method: String, _ path: String, _ body: JSON? = nil, rawBody: [UInt8]? = nil,
        headers: [(name: String, value: String)] = []
    ) throws -> Reply {
        var allHeaders = headers
        if let token { allHeaders.append(("X-Vault-Token", token)) }
        let bytes = rawBody ?? body?.serialized()
        if bytes != nil { allHeaders.append(("Content-Type", "application/json")) }
        let response = try client.send(method: method, url: baseURL + "/v1/" + path, headers: allHeaders, body: bytes)
        let json = response.body.isEmpty ? nil : try? JSON.parse(response.body)
        return Reply(status: response.status, json: json, raw: String(decoding: response.body, as: UTF8.self))
    }

    func get(_ path: String) throws -> Reply { try send("GET", path) }
    func put(_ path: String, _ body: JSON) throws -> Reply { try send("PUT", path, body) }
}

extension JSON {
    /// The elements when this is an array of strings.
    var stringArray: [String]? {
        guard let elements = arrayValue else { return nil }
        let strings = elements.compactMap { $0.stringValue }
        return strings.count == elements.count ? strings : nil
    }
}
