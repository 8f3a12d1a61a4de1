import Synchronization

/// A blocking HTTP/1.1 client on libcurl's easy API (OpenSSL backend).
///
/// Connections stay open between calls: finished easy handles return to a small pool, and each handle keeps
/// its own connection cache. Calls from several threads at once each get their own handle.
public final class HTTPClient: Sendable {
    private static let maximumIdleHandles = 8

    private let tls: ClientTLS?
    private let alpn: ALPNProtocolList?
    private let timeoutSeconds: Int
    private let followRedirects: Bool
    private let idleHandles = Mutex<[CurlEasyHandle]>([])

    /// Creates a client; `tls` applies to https URLs, `timeoutSeconds` bounds each whole request.
    public init(tls: ClientTLS? = nil, timeoutSeconds: Int = 30, followRedirects: Bool = false) {
        self.tls = tls
        self.alpn = tls?.alpn.map(ALPNProtocolList.init)
        self.timeoutSeconds = max(1, timeoutSeconds)
        self.followRedirects = followRedirects
    }

    /// Sends one request and waits for the complete response.
    ///
    /// Any method name is sent as is (Vault's `LIST` included); `HEAD` reads no body. A `body` of `nil`
    /// sends none; an empty array sends `Content-Length: 0`.
    public func send(
        method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil
    ) throws(ClientError) -> ClientResponse {
        let handle: CurlEasyHandle
        if let pooled = idleHandles.withLock({ $0.popLast() }) {
            handle = pooled
        } else {
            handle = try CurlEasyHandle()
        }
        defer {
            idleHandles.withLock { handles in
                if handles.count < Self.maximumIdleHandles { handles.append(handle) }
            }
        }
        let needsEmptyBody = body == nil && ["POST", "PUT", "PATCH"].contains(method)
        let transfer = CurlEasyHandle.Transfer(
            method: method, url: url, headers: headers, body: needsEmptyBody ? [] : body,
            timeoutSeconds: timeoutSeconds, followRedirects: followRedirects, tls: tls, alpn: alpn)
        return try handle.perform(transfer)
    }
}
