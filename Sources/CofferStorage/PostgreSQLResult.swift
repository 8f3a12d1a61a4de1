import CPostgres

/// The rows of a successful statement in binary format: owns the `PGresult`, cleared in `deinit`.
///
/// Not thread-safe: it belongs to the caller that ran the statement, which copies what it needs out.
final class PostgreSQLResult {
    private let handle: OpaquePointer

    /// Takes ownership of a result whose status is `PGRES_COMMAND_OK` or `PGRES_TUPLES_OK`.
    init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        PQclear(handle)
    }

    /// How many rows came back (`PQntuples`).
    var rowCount: Int {
        Int(PQntuples(handle))
    }

    /// The raw bytes of a field (`PQgetvalue`, `PQgetlength`); empty for NULL.
    func bytes(row: Int, column: Int) -> [UInt8] {
        let count = Int(PQgetlength(handle, Int32(row), Int32(column)))
        guard count > 0, let base = PQgetvalue(handle, Int32(row), Int32(column)) else { return [] }
        return Array(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// A `text` field; empty for NULL.
    func text(row: Int, column: Int) -> String {
        String(decoding: bytes(row: row, column: column), as: UTF8.self)
    }

    /// An `int8` field, sent as eight big-endian bytes; 0 for NULL or another width.
    func int64(row: Int, column: Int) -> Int64 {
        let field = bytes(row: row, column: column)
        guard field.count == 8 else { return 0 }
        return Int64(bitPattern: field.reduce(0) { $0 << 8 | UInt64($1) })
    }
}
