import CPostgres

extension StorageError {
    /// The one funnel from a failed libpq call to a `StorageError`.
    ///
    /// A broken connection is `unavailable` with libpq's connection message. A server error maps by its
    /// SQLSTATE class and carries the server's primary message, never its detail, which may quote
    /// bound values; for data exceptions (class 22), whose primary messages may quote the offending
    /// input, only the SQLSTATE is kept.
    /// - Parameters:
    ///   - operation: what was being done, such as `"connect"` or `"commit"`.
    ///   - result: the failed result (`PQresultStatus` not OK), or `nil` when libpq returned none.
    ///   - connection: the connection the call ran on, for `PQstatus` and `PQerrorMessage`.
    static func postgres(_ operation: String, result: OpaquePointer?, connection: OpaquePointer) -> StorageError {
        if PQstatus(connection) != CONNECTION_OK {
            return StorageError(.unavailable, "\(operation) failed: \(cleaned(PQerrorMessage(connection)))")
        }
        guard let result, let field = PQresultErrorField(result, coffer_pg_diag_sqlstate()) else {
            let message = result.map { cleaned(PQresultErrorMessage($0)) } ?? cleaned(PQerrorMessage(connection))
            return StorageError(.io, "\(operation) failed: \(message)")
        }
        let sqlState = String(cString: field)
        let code = errorCode(forSQLState: sqlState)
        guard !sqlState.hasPrefix("22") else {
            return StorageError(code, "\(operation) failed: data exception (sqlstate \(sqlState))")
        }
        let message = cleaned(PQresultErrorField(result, coffer_pg_diag_message_primary()))
        return StorageError(code, "\(operation) failed: \(message) (sqlstate \(sqlState))")
    }

    /// SQLSTATEs outside classes 08 and 53 that are worth retrying: a query cancelled by the statement
    /// timeout, a server shutting down, a lost serialization race or deadlock, a lock not available.
    private static let retryableStates: Set<String> = ["57014", "57P01", "57P02", "57P03", "40001", "40P01", "55P03"]

    private static func errorCode(forSQLState state: String) -> Code {
        // Class 08 is connection trouble, class 53 exhausted resources (such as too many connections).
        if state.hasPrefix("08") || state.hasPrefix("53") || retryableStates.contains(state) {
            return .unavailable
        }
        if state.hasPrefix("22") || state.hasPrefix("23") {
            return .invalidArgument
        }
        if state == "XX001" || state == "XX002" {
            return .corrupt
        }
        return .io
    }

    /// libpq's message on one line: its messages end with a newline and may span several lines.
    private static func cleaned(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "no message" }
        let words = String(cString: text).split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
        return words.isEmpty ? "no message" : words.joined(separator: " ")
    }
}
