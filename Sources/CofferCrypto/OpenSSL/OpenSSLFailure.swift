import COpenSSL

/// The single funnel from OpenSSL's per-thread error queue to `CryptoError`.
enum OpenSSLFailure {
    /// An error for a failed OpenSSL call; drains the queue so later calls on this thread start clean.
    static func error(_ code: CryptoError.Code, _ operation: String) -> CryptoError {
        guard let detail = drain() else { return CryptoError(code, "\(operation) failed") }
        return CryptoError(code, "\(operation) failed: \(detail)")
    }

    /// Throws unless an OpenSSL call reported success with `1`.
    static func check(_ status: Int32, _ code: CryptoError.Code, _ operation: String) throws(CryptoError) {
        guard status == 1 else { throw error(code, operation) }
    }

    /// Returns a handle or throws when OpenSSL returned `NULL`.
    static func require<Pointer>(
        _ pointer: Pointer?, _ code: CryptoError.Code, _ operation: String
    ) throws(CryptoError) -> Pointer {
        guard let pointer else { throw error(code, operation) }
        return pointer
    }

    /// Forgets queued errors after a call whose failure is an expected answer, such as a bad signature.
    static func discard() {
        ERR_clear_error()
    }

    /// Whether the oldest queued error is PEM's "no start line", which marks the end of a PEM bundle.
    static func isEndOfPEM() -> Bool {
        let code = ERR_peek_error()
        return ERR_GET_LIB(code) == ERR_LIB_PEM && ERR_GET_REASON(code) == PEM_R_NO_START_LINE
    }

    /// OpenSSL's reason text for the first queued error; its text describes the failure, never the data.
    private static func drain() -> String? {
        let first = ERR_get_error()
        while ERR_get_error() != 0 {}
        guard first != 0, let text = ERR_reason_error_string(first) else { return nil }
        return String(cString: text)
    }
}
