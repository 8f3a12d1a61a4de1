/// Answers requests for an ``HTTPServer``.
///
/// Called on a worker thread for each complete request, so it must be thread-safe. It is synchronous by
/// design: a handler may block (for example on a durable group commit), which is why the server runs more
/// worker event loops than there are cores.
public protocol HTTPHandler: Sendable {
    /// Produces the response for one request.
    func handle(_ request: HTTPRequest) -> HTTPResponse
}
