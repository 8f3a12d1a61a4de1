import CEvent

/// Reads the parts of an incoming `evhttp_request` into Swift values.
enum EvhttpRequestReader {
    /// The bit libevent 2.1 gives every method it does not know (`EVHTTP_REQ_UNKNOWN_` in http-internal.h).
    static let unknownMethodBit: UInt16 = 1 << 15

    /// Methods evhttp lets through to the server: the standard ones a Vault API needs, plus the unknown bit,
    /// which is how `LIST` gets past libevent 2.1 (it has no extension-method hook before 2.2).
    static let allowedMethods: UInt16 = {
        let known = [
            EVHTTP_REQ_GET, EVHTTP_REQ_POST, EVHTTP_REQ_HEAD, EVHTTP_REQ_PUT, EVHTTP_REQ_DELETE,
            EVHTTP_REQ_OPTIONS, EVHTTP_REQ_PATCH,
        ]
        return known.reduce(unknownMethodBit) { $0 | UInt16($1.rawValue) }
    }()

    /// Every method name libevent 2.1 parses into its own bit.
    static let knownMethodNames: Set<String> = [
        "GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT",
    ]

    /// The name of a method evhttp recognised, or `nil` for the unknown bit.
    static func knownMethod(_ command: evhttp_cmd_type) -> String? {
        switch command {
        case EVHTTP_REQ_GET: "GET"
        case EVHTTP_REQ_POST: "POST"
        case EVHTTP_REQ_HEAD: "HEAD"
        case EVHTTP_REQ_PUT: "PUT"
        case EVHTTP_REQ_DELETE: "DELETE"
        case EVHTTP_REQ_OPTIONS: "OPTIONS"
        case EVHTTP_REQ_PATCH: "PATCH"
        case EVHTTP_REQ_TRACE: "TRACE"
        case EVHTTP_REQ_CONNECT: "CONNECT"
        default: nil
        }
    }

    /// The request headers in arrival order with lower-cased names.
    static func headers(of request: OpaquePointer) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        guard let list = evhttp_request_get_input_headers(request) else { return headers }
        var entry = coffer_evkeyvalq_first(list)
        while let current = entry {
            let name = current.pointee.key.map { String(cString: $0).lowercased() } ?? ""
            let value = current.pointee.value.map { String(cString: $0) } ?? ""
            headers.append((name: name, value: value))
            entry = coffer_evkeyval_next(current)
        }
        return headers
    }

    /// The decoded path (never empty) and query parameters of the request target.
    static func target(of request: OpaquePointer) -> (path: String, query: [String: String]) {
        guard let uri = evhttp_request_get_evhttp_uri(request) else { return ("/", [:]) }
        let rawPath = evhttp_uri_get_path(uri).map { String(cString: $0) } ?? ""
        let query = evhttp_uri_get_query(uri).map { PercentDecoding.query(String(cString: $0)) } ?? [:]
        return (rawPath.isEmpty ? "/" : PercentDecoding.path(rawPath), query)
    }

    /// The request body, copied once out of evhttp's input buffer.
    static func body(of request: OpaquePointer) -> [UInt8] {
        guard let buffer = evhttp_request_get_input_buffer(request) else { return [] }
        let length = evbuffer_get_length(buffer)
        guard length > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: length) { storage, count in
            count = max(0, Int(evbuffer_remove(buffer, storage.baseAddress, length)))
        }
    }
}
