import CPostgres
import Glibc

/// One libpq connection: owns the `PGconn`, closed with `PQfinish` in `deinit`.
///
/// libpq allows one thread at a time per connection; callers keep to that (the writer is used only by
/// the group-commit leader, a pool connection only by the caller that checked it out). A connection
/// that broke is reset (`PQreset`) at its next use, so one lost server connection costs one failed call.
// Confined by its owners as described above; it moves between threads but is never shared by two.
final class PostgreSQLConnection: @unchecked Sendable {
    /// Connection settings placed before the caller's connection string, which may override them:
    /// a bounded connect, and TCP keepalives that notice a vanished server in about 25 s.
    private static let defaultSettings = [
        ("connect_timeout", "5"), ("keepalives_idle", "10"), ("keepalives_interval", "5"), ("keepalives_count", "3"),
        ("application_name", "coffer"),
    ]
    /// Settings placed after it, which it cannot override: keys and values are sent as UTF-8 bytes.
    private static let forcedSettings = [("client_encoding", "UTF8")]

    private let handle: OpaquePointer
    private let statementTimeoutMilliseconds: Int
    // Set by every (re)connect and cleared once the session settings are in place, so that a failed
    // setup is retried at the next use instead of leaving a session without its timeout.
    private var needsSessionSetup = true

    /// Connects (`PQconnectdbParams`) with `connectionString`, in key-value or URI form, and sets the
    /// session's statement timeout.
    ///
    /// - Throws: `unavailable` when the server cannot be reached or refuses the connection.
    init(connectionString: String, statementTimeoutMilliseconds: Int) throws(StorageError) {
        let settings = Self.defaultSettings + [("dbname", connectionString)] + Self.forcedSettings
        // A non-zero expand_dbname makes libpq parse the `dbname` value as a whole connection string.
        let opened = Self.withCStrings(settings.map(\.0)) { keywords in
            Self.withCStrings(settings.map(\.1)) { values in PQconnectdbParams(keywords, values, 1) }
        }
        guard let opened else {
            throw StorageError(.unavailable, "connect failed: libpq could not allocate a connection")
        }
        guard PQstatus(opened) == CONNECTION_OK else {
            let error = StorageError.postgres("connect", result: nil, connection: opened)
            PQfinish(opened)
            throw error
        }
        handle = opened
        self.statementTimeoutMilliseconds = statementTimeoutMilliseconds
        // From here on `deinit` runs if the initializer throws, and closes the handle.
        try prepareSession()
    }

    deinit {
        PQfinish(handle)
    }

    /// Whether the connection to the server is lost (`PQstatus` is not `CONNECTION_OK`).
    var isBroken: Bool {
        PQstatus(handle) != CONNECTION_OK
    }

    /// Whether a transaction is open, failed or not (`PQtransactionStatus`).
    var isInTransaction: Bool {
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    /// Runs one statement (`PQexecParams`) with its parameters in binary format, asking for binary
    /// results; a broken connection is reset first.
    ///
    /// - Parameter operation: names the call in an error, which never shows the SQL's parameters.
    @discardableResult
    func execute(
        _ sql: String, _ parameters: [PostgreSQLParameter] = [], operation: String
    ) throws(StorageError) -> PostgreSQLResult {
        try prepareSession()
        return try run(sql, parameters, operation: operation)
    }

    /// Rolls back the open transaction, if any; used on a path that already reports an error.
    func rollbackIfNeeded() {
        guard !isBroken, isInTransaction else { return }
        // A failure here adds nothing to the error being reported; a broken connection is reset later.
        _ = try? execute("ROLLBACK", operation: "rollback")
    }

    /// Reconnects a broken connection with its original settings (`PQreset`), then applies the session
    /// settings if they are not in place: a server-side bound on each statement.
    private func prepareSession() throws(StorageError) {
        if isBroken {
            PQreset(handle)
            guard !isBroken else {
                throw StorageError.postgres("reconnect", result: nil, connection: handle)
            }
            needsSessionSetup = true
        }
        guard needsSessionSetup else { return }
        try run(
            "SELECT set_config('statement_timeout', $1, false)", [.text(String(statementTimeoutMilliseconds))],
            operation: "configure session")
        needsSessionSetup = false
    }

    /// Sends one statement (`PQexecParams`) and turns its outcome into a result or an error.
    @discardableResult
    private func run(
        _ sql: String, _ parameters: [PostgreSQLParameter], operation: String
    ) throws(StorageError) -> PostgreSQLResult {
        var buffer: [UInt8] = []
        var offsets: [Int] = []
        var lengths: [Int32] = []
        for parameter in parameters {
            let start = buffer.count
            parameter.encode(into: &buffer)
            guard let length = Int32(exactly: buffer.count - start) else {
                throw StorageError(.invalidArgument, "\(operation) failed: a parameter exceeds 2 GiB")
            }
            offsets.append(start)
            lengths.append(length)
        }
        // Every parameter needs a non-null pointer, even an empty one; a null pointer would send NULL.
        buffer.append(0)
        let types = parameters.map(\.typeOID)
        let formats = [Int32](repeating: 1, count: parameters.count)
        let result = buffer.withUnsafeBytes { bytes in
            let base = bytes.baseAddress
            let values: [UnsafePointer<CChar>?] = offsets.map { offset in
                base.map { ($0 + offset).assumingMemoryBound(to: CChar.self) }
            }
            return PQexecParams(handle, sql, Int32(parameters.count), types, values, lengths, formats, 1)
        }
        guard let result else {
            throw StorageError.postgres(operation, result: nil, connection: handle)
        }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let error = StorageError.postgres(operation, result: result, connection: handle)
            PQclear(result)
            throw error
        }
        return PostgreSQLResult(handle: result)
    }

    /// Calls `body` with `strings` as a null-terminated array of C strings.
    private static func withCStrings<Result>(
        _ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> Result
    ) -> Result {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        return body(copies.map { $0.map { UnsafePointer($0) } } + [nil])
    }
}
