import COpenSSL

/// The single funnel from OpenSSL's per-thread error queue to ``TransportError``.
enum TLSFailure {
    /// An error for a failed OpenSSL call; drains the queue so later calls on this thread start clean.
    static func error(_ code: TransportError.Code, _ operation: String) -> TransportError {
        guard let detail = drain() else { return TransportError(code, "\(operation) failed") }
        return TransportError(code, "\(operation) failed: \(detail)")
    }

    /// Throws `tls` unless an OpenSSL call reported success with `1`.
    static func check(_ status: Int32, _ operation: String) throws(TransportError) {
        guard status == 1 else { throw error(.tls, operation) }
    }

    /// Returns a handle or throws `tls` when OpenSSL returned `NULL`.
    static func require<Pointer>(_ pointer: Pointer?, _ operation: String) throws(TransportError) -> Pointer {
        guard let pointer else { throw error(.tls, operation) }
        return pointer
    }

    /// Empties the queue before a call whose failure will be read from it.
    static func clear() {
        ERR_clear_error()
    }

    /// OpenSSL's reason texts for the queued errors, oldest first; they describe failures, never data.
    static func drain() -> String? {
        var reasons: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            if let text = ERR_reason_error_string(code) {
                reasons.append(String(cString: text))
            } else {
                reasons.append("error \(code)")
            }
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }

    /// Whether the oldest queued error is PEM's "no start line", which marks the end of a PEM bundle.
    static func isEndOfPEM() -> Bool {
        let code = ERR_peek_error()
        return ERR_GET_LIB(code) == ERR_LIB_PEM && ERR_GET_REASON(code) == PEM_R_NO_START_LINE
    }
}
