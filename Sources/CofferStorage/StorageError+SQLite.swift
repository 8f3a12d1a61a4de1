import CSQLite

extension StorageError {
    /// The one funnel from an SQLite result code to a `StorageError`.
    ///
    /// The reason carries the failed step, SQLite's message for the connection and the extended result
    /// code. SQLite's messages name tables, columns and constraints, never bound parameters, so no key
    /// or value reaches the error text.
    /// - Parameters:
    ///   - code: the result code a `sqlite3_*` call returned.
    ///   - handle: the connection the call ran on, for `sqlite3_errmsg`; `nil` when there is none.
    ///   - operation: what was being done, such as `"open"` or `"commit"`.
    static func sqlite(_ code: Int32, handle: OpaquePointer?, _ operation: String) -> StorageError {
        let message: String
        if let handle, let text = sqlite3_errmsg(handle) {
            message = String(cString: text)
        } else if let text = sqlite3_errstr(code) {
            message = String(cString: text)
        } else {
            message = "unknown error"
        }
        return StorageError(errorCode(for: code), "\(operation) failed: \(message) (sqlite \(code))")
    }

    private static func errorCode(for code: Int32) -> Code {
        switch code & 0xFF {
        case SQLITE_BUSY, SQLITE_LOCKED, SQLITE_CANTOPEN, SQLITE_PROTOCOL:
            return .unavailable
        case SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_FORMAT:
            return .corrupt
        case SQLITE_MISUSE, SQLITE_RANGE, SQLITE_TOOBIG, SQLITE_CONSTRAINT, SQLITE_MISMATCH:
            return .invalidArgument
        default:
            return .io
        }
    }
}
