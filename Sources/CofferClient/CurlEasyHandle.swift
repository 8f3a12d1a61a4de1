import CCurl

/// Owns one libcurl easy handle and its error buffer; the handle keeps its connections alive between
/// transfers, so reusing it reuses connections.
// @unchecked: a handle is used by one thread at a time; HTTPClient's pool hands it out exclusively.
final class CurlEasyHandle: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// Creates an easy handle, initialising libcurl first if this is the process's first one.
    init() throws(ClientError) {
        try CurlGlobal.initialize()
        guard let handle = curl_easy_init() else {
            throw ClientError(code: .transport, reason: "curl_easy_init failed")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Everything one transfer needs besides the handle.
    struct Transfer {
        /// The method, sent verbatim.
        var method: String
        /// The absolute http or https URL.
        var url: String
        /// Request headers in sending order.
        var headers: [(name: String, value: String)]
        /// The body, or `nil` for none.
        var body: [UInt8]?
        /// Upper bound for the whole transfer.
        var timeoutSeconds: Int
        /// Whether 3xx answers are followed.
        var followRedirects: Bool
        /// TLS settings for https URLs.
        var tls: ClientTLS?
        /// The encoded ALPN list to offer instead of libcurl's own.
        var alpn: ALPNProtocolList?
    }

    /// Runs one request to completion; options from the previous transfer are reset first.
    func perform(_ transfer: Transfer) throws(ClientError) -> ClientResponse {
        curl_easy_reset(handle)
        errorBuffer[0] = 0
        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        try set(CURLOPT_URL, transfer.url)
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        // Threads must not get SIGALRM-based DNS timeouts.
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_TIMEOUT, transfer.timeoutSeconds)
        try set(CURLOPT_CONNECTTIMEOUT, min(transfer.timeoutSeconds, 10))
        try set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))
        try set(CURLOPT_FOLLOWLOCATION, transfer.followRedirects ? 1 : 0)
        try set(CURLOPT_MAXREDIRS, 5)
        try setMethod(transfer.method, hasBody: transfer.body != nil)
        try configureTLS(transfer.tls, alpn: transfer.alpn)

        // A CR or LF in a name or value would start a new header line on the wire.
        var headerLines = transfer.headers.map { "\(Self.singleLine($0.name)): \(Self.singleLine($0.value))" }
        let namesContentType = transfer.headers.contains { $0.name.lowercased() == "content-type" }
        // libcurl labels any body form-urlencoded unless told otherwise; an empty value removes the header.
        if transfer.body != nil, !namesContentType { headerLines.append("Content-Type:") }
        let list = HeaderList(headerLines)
        try set(CURLOPT_HTTPHEADER, pointer: list.head.map(UnsafeMutableRawPointer.init))

        let accumulator = ResponseAccumulator()
        let sink = Unmanaged.passUnretained(accumulator).toOpaque()
        try check(coffer_curl_setopt_write_function(handle, ResponseAccumulator.receiveBody))
        try set(CURLOPT_WRITEDATA, pointer: sink)
        try check(coffer_curl_setopt_header_function(handle, ResponseAccumulator.receiveHeader))
        try set(CURLOPT_HEADERDATA, pointer: sink)

        // The header list and the accumulator are only referenced from C while the transfer runs.
        let code = try withExtendedLifetime((list, accumulator)) { () throws(ClientError) in
            try withBody(transfer.body) { () throws(ClientError) in curl_easy_perform(handle) }
        }
        guard code == CURLE_OK else { throw failure(code) }
        var status = 0
        try check(coffer_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status))
        return ClientResponse(status: status, headers: accumulator.headers, body: accumulator.body)
    }

    private static func singleLine(_ text: String) -> String {
        guard text.contains(where: \.isNewline) else { return text }
        return String(text.map { $0.isNewline ? " " : $0 })
    }

    private func setMethod(_ method: String, hasBody: Bool) throws(ClientError) {
        switch method {
        case "GET" where !hasBody:
            try set(CURLOPT_HTTPGET, 1)
        case "HEAD":
            try set(CURLOPT_NOBODY, 1)
        default:
            try set(CURLOPT_CUSTOMREQUEST, method)
        }
    }

    /// Sets the body for the duration of `perform`; POSTFIELDS does not copy, so the bytes stay pinned.
    private func withBody(
        _ body: [UInt8]?, _ perform: () throws(ClientError) -> CURLcode
    ) throws(ClientError)
        -> CURLcode
    {
        guard let body else { return try perform() }
        let outcome = body.withUnsafeBytes { bytes in
            Result { () throws(ClientError) -> CURLcode in
                try check(coffer_curl_setopt_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count)))
                // An empty array has no base address; NULL would make libcurl read the body from stdin.
                let emptyBody: StaticString = ""
                let start = bytes.baseAddress ?? UnsafeRawPointer(emptyBody.utf8Start)
                try set(CURLOPT_POSTFIELDS, pointer: UnsafeMutableRawPointer(mutating: start))
                return try perform()
            }
        }
        return try outcome.get()
    }

    private func configureTLS(_ tls: ClientTLS?, alpn: ALPNProtocolList?) throws(ClientError) {
        try set(CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2))
        guard let tls else { return }
        if let ca = tls.caPEM {
            try setBlob(CURLOPT_CAINFO_BLOB, ca)
            // Trust only the given CAs: without these the distro bundle is trusted as well.
            try set(CURLOPT_CAINFO, nil)
            try set(CURLOPT_CAPATH, nil)
        }
        if let certificate = tls.certificatePEM {
            try set(CURLOPT_SSLCERTTYPE, "PEM")
            try setBlob(CURLOPT_SSLCERT_BLOB, certificate)
        }
        if let key = tls.privateKeyPEM {
            try set(CURLOPT_SSLKEYTYPE, "PEM")
            try setBlob(CURLOPT_SSLKEY_BLOB, key)
        }
        if let pin = tls.pinnedPublicKeySHA256Base64 {
            try set(CURLOPT_PINNEDPUBLICKEY, "sha256//" + pin)
        }
        if tls.insecureSkipVerify {
            try set(CURLOPT_SSL_VERIFYPEER, 0)
            try set(CURLOPT_SSL_VERIFYHOST, 0)
        }
        if let alpn {
            try set(CURLOPT_SSL_ENABLE_ALPN, 0)
            try check(coffer_curl_setopt_ssl_ctx_function(handle, ALPNProtocolList.install))
            try set(CURLOPT_SSL_CTX_DATA, pointer: Unmanaged.passUnretained(alpn).toOpaque())
        }
    }

    private func set(_ option: CURLoption, _ value: Int) throws(ClientError) {
        try check(coffer_curl_setopt_long(handle, option, value))
    }

    private func set(_ option: CURLoption, _ value: String?) throws(ClientError) {
        guard let value else { return try check(coffer_curl_setopt_string(handle, option, nil)) }
        // libcurl copies string options.
        try check(value.withCString { coffer_curl_setopt_string(handle, option, $0) })
    }

    private func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws(ClientError) {
        try check(coffer_curl_setopt_pointer(handle, option, pointer))
    }

    private func setBlob(_ option: CURLoption, _ pem: String) throws(ClientError) {
        var bytes = Array(pem.utf8)
        let code = bytes.withUnsafeMutableBytes { buffer in
            var blob = curl_blob(data: buffer.baseAddress, len: buffer.count, flags: UInt32(CURL_BLOB_COPY))
            return coffer_curl_setopt_blob(handle, option, &blob)
        }
        try check(code)
    }

    private func check(_ code: CURLcode) throws(ClientError) {
        guard code == CURLE_OK else { throw failure(code) }
    }

    /// The error funnel: maps a libcurl result and its error buffer to a ``ClientError``.
    private func failure(_ code: CURLcode) -> ClientError {
        let detail = String(cString: errorBuffer)
        let reason = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        return ClientError(code: Self.category(of: code, reason: reason), reason: reason)
    }

    /// The ``ClientError/Code`` for a libcurl result; `reason` tells TLS alerts from other receive errors.
    static func category(of code: CURLcode, reason: String) -> ClientError.Code {
        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return .invalidURL
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            return .connect
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_CRL_BADFILE,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT, CURLE_SSL_SHUTDOWN_FAILED, CURLE_USE_SSL_FAILED:
            return .tls
        case CURLE_RECV_ERROR where reason.contains(" alert "), CURLE_SEND_ERROR where reason.contains(" alert "):
            // TLS 1.3 servers reject a client certificate after the handshake has completed on the client's
            // side, so the alert arrives with the first read.
            return .tls
        default:
            return .transport
        }
    }
}
