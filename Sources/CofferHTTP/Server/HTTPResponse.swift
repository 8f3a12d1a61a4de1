/// The answer an ``HTTPHandler`` gives; the server adds `Content-Length` itself.
public struct HTTPResponse: Sendable {
    /// The status code, e.g. 200.
    public var status: Int
    /// Response headers in the order they are sent; a `Content-Length` given here is ignored.
    public var headers: [(name: String, value: String)]
    /// The response body; never sent for HEAD requests or for 1xx, 204 and 304 answers.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
