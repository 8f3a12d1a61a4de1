import CSQLite

/// A prepared statement: owns its `sqlite3_stmt`, finalized in `deinit`.
///
/// Bound text and blobs use `SQLITE_TRANSIENT`, so SQLite copies them and no Swift buffer has to
/// outlive the bind call. Not thread-safe: it belongs to one connection, used by one thread at a time.
final class SQLiteStatement {
    private let handle: OpaquePointer

    /// Takes ownership of a statement that `sqlite3_prepare_v3` returned.
    init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Binds `text` to the 1-based parameter `index` (`sqlite3_bind_text64`).
    func bind(_ text: String, at index: Int32) throws(StorageError) {
        var text = text
        let code = text.withUTF8 { bindText(UnsafeRawBufferPointer($0), at: index) }
        try check(code, "bind text")
    }

    /// Binds raw bytes as TEXT, for range bounds that need not be valid UTF-8 (`sqlite3_bind_text64`).
    func bind(textBytes bytes: [UInt8], at index: Int32) throws(StorageError) {
        let code = bytes.withUnsafeBytes { bindText($0, at: index) }
        try check(code, "bind text")
    }

    /// Binds `bytes` as a BLOB; an empty array binds a zero-length blob, never NULL (`sqlite3_bind_blob64`).
    func bind(blob bytes: [UInt8], at index: Int32) throws(StorageError) {
        let code = bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress, buffer.count > 0 else {
                return sqlite3_bind_zeroblob(handle, index, 0)
            }
            return sqlite3_bind_blob64(handle, index, base, UInt64(buffer.count), coffer_sqlite_transient())
        }
        try check(code, "bind blob")
    }

    /// Binds a 64-bit integer to the 1-based parameter `index` (`sqlite3_bind_int64`).
    func bind(_ value: Int64, at index: Int32) throws(StorageError) {
        try check(sqlite3_bind_int64(handle, index, value), "bind integer")
    }

    /// Advances to the next row: `true` when a row is available, `false` when the statement is done.
    func step() throws(StorageError) -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw StorageError.sqlite(code, handle: sqlite3_db_handle(handle), "step")
        }
    }

    /// Runs a statement that returns no rows to completion.
    func run() throws(StorageError) {
        while try step() {}
    }

    /// The bytes of column `index` of the current row; empty for a zero-length blob or text.
    func bytes(at index: Int32) -> [UInt8] {
        // `sqlite3_column_bytes` must follow `sqlite3_column_blob`, which may convert the value.
        guard let base = sqlite3_column_blob(handle, index) else { return [] }
        let count = Int(sqlite3_column_bytes(handle, index))
        return Array(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// The 64-bit integer in column `index` of the current row; 0 for NULL.
    func int64(at index: Int32) -> Int64 {
        sqlite3_column_int64(handle, index)
    }

    /// The text of column `index` of the current row; empty for NULL.
    func text(at index: Int32) -> String {
        guard let base = sqlite3_column_text(handle, index) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
    }

    /// Resets the statement and clears its bindings, ending any read it holds open.
    func reset() {
        // The result repeats the last step's error, which that step already reported.
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    private func bindText(_ buffer: UnsafeRawBufferPointer, at index: Int32) -> Int32 {
        // A null pointer would bind NULL, so the empty string needs a real (empty C string) pointer.
        guard let base = buffer.baseAddress, buffer.count > 0 else {
            return "".withCString { empty in
                sqlite3_bind_text64(handle, index, empty, 0, coffer_sqlite_transient(), UInt8(SQLITE_UTF8))
            }
        }
        return sqlite3_bind_text64(
            handle, index, base.assumingMemoryBound(to: CChar.self), UInt64(buffer.count),
            coffer_sqlite_transient(), UInt8(SQLITE_UTF8))
    }

    private func check(_ code: Int32, _ operation: String) throws(StorageError) {
        guard code == SQLITE_OK else {
            throw StorageError.sqlite(code, handle: sqlite3_db_handle(handle), operation)
        }
    }
}
