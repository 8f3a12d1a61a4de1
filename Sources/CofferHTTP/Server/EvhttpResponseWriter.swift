import CEvent

/// Sends an ``HTTPResponse`` as the reply to an `evhttp_request`.
enum EvhttpResponseWriter {
    /// Adds headers and body, then hands the reply to evhttp, which sets `Content-Length` and writes it.
    static func send(_ response: HTTPResponse, to request: OpaquePointer, isHead: Bool, closeConnection: Bool) {
        let status = (100...999).contains(response.status) ? response.status : 500
        let carriesBody = status >= 200 && status != 204 && status != 304
        if let headers = evhttp_request_get_output_headers(request) {
            for header in response.headers where header.name.lowercased() != "content-length" {
                // evhttp_add_header refuses values with bare CR or LF, which keeps header injection out.
                _ = evhttp_add_header(headers, header.name, header.value)
            }
            if isHead && carriesBody {
                _ = evhttp_add_header(headers, "Content-Length", String(response.body.count))
            }
            if closeConnection {
                _ = evhttp_add_header(headers, "Connection", "close")
            }
        }
        if carriesBody, !isHead, !response.body.isEmpty, let output = evhttp_request_get_output_buffer(request) {
            _ = response.body.withUnsafeBytes { evbuffer_add(output, $0.baseAddress, $0.count) }
        }
        if let phrase = HTTPStatusPhrase.phrase(for: status) {
            evhttp_send_reply(request, Int32(status), phrase, nil)
        } else {
            evhttp_send_reply(request, Int32(status), nil, nil)
        }
    }
}
