/// A complete HTTP response received by ``HTTPClient``.
public struct ClientResponse: Sendable {
    /// The status code of the final response (after any followed redirects).
    public var status: Int
    /// The final response's headers in arrival order, names as the server sent them.
    public var headers: [(name: String, value: String)]
    /// The response body; empty for HEAD.
    public var body: [UInt8]

    /// Creates a response value.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of the first header with this name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}
