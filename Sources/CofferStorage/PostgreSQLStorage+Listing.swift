extension PostgreSQLStorage {
    /// How many keys one statement of `list` reads: enough that a folder of plain keys takes few round
    /// trips, few enough that a large subfolder costs little before the scan jumps past it.
    static let listPageSize = 256

    /// The immediate children of the folder `prefix`, in UTF-8 byte order, from one snapshot.
    public func list(prefix: String) throws(StorageError) -> [String] {
        guard !prefix.utf8.contains(0) else { return [] }
        let prefixLength = prefix.utf8.count
        let upperBound = FolderListing.successor(ofText: prefix)
        let sql = Self.keysSQL(bounded: upperBound != nil, limited: true)
        return try pool.withConnection { (connection) throws(StorageError) -> [String] in
            try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", operation: "list")
            var names: [String] = []
            var lowerBound = prefix
            // Each listed subfolder restarts the scan after its last key instead of reading them all.
            scan: while true {
                let keys = try Self.scanKeys(
                    sql, from: lowerBound, below: upperBound, limit: Self.listPageSize, on: connection)
                for key in keys {
                    switch FolderListing.entry(forKey: key, prefixLength: prefixLength) {
                    case .key(let name):
                        names.append(name)
                    case .folder(let name, let resume):
                        names.append(name)
                        // `resume` ends where `/` became `0`, so it is valid UTF-8 like the key it came from.
                        lowerBound = String(decoding: resume, as: UTF8.self)
                        continue scan
                    case nil:
                        continue
                    }
                }
                guard keys.count == Self.listPageSize, let last = keys.last else { break }
                // The smallest string after `last`, as no key contains NUL.
                lowerBound = String(decoding: last + [1], as: UTF8.self)
            }
            try connection.execute("COMMIT", operation: "list")
            return names
        }
    }

    /// Every key that starts with `prefix`, full keys, in UTF-8 byte order.
    public func keys(prefix: String) throws(StorageError) -> [String] {
        guard !prefix.utf8.contains(0) else { return [] }
        let upperBound = FolderListing.successor(ofText: prefix)
        let sql = Self.keysSQL(bounded: upperBound != nil, limited: false)
        return try pool.withConnection { (connection) throws(StorageError) -> [String] in
            try Self.scanKeys(sql, from: prefix, below: upperBound, limit: nil, on: connection).map {
                String(decoding: $0, as: UTF8.self)
            }
        }
    }

    /// Keys from `lowerBound` (inclusive) to `upperBound` (exclusive, if any), in order, as bytes.
    private static func scanKeys(
        _ sql: String, from lowerBound: String, below upperBound: String?, limit: Int?,
        on connection: PostgreSQLConnection
    ) throws(StorageError) -> [[UInt8]] {
        var parameters: [PostgreSQLParameter] = [.text(lowerBound)]
        if let upperBound {
            parameters.append(.text(upperBound))
        }
        if let limit {
            parameters.append(.int64(Int64(limit)))
        }
        let result = try connection.execute(sql, parameters, operation: "list keys")
        return (0..<result.rowCount).map { result.bytes(row: $0, column: 0) }
    }

    /// The range scan over the primary key; the `"C"` collation makes `>=` and `<` compare bytes.
    private static func keysSQL(bounded: Bool, limited: Bool) -> String {
        var sql = "SELECT key FROM coffer_entries WHERE key >= $1"
        if bounded {
            sql += " AND key < $2"
        }
        sql += " ORDER BY key"
        if limited {
            sql += bounded ? " LIMIT $3" : " LIMIT $2"
        }
        return sql
    }
}
