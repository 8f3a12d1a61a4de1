/// The net effect of a sequence of operations, in the shape of two set-based statements.
///
/// Puts and deletes only ever set or clear a key, so applying a sequence in order leaves each key as
/// its last operation says: the sequence collapses to one put or delete per key. A whole group then
/// costs one `DELETE` and one `INSERT … ON CONFLICT` however many operations it holds. Keys come out
/// sorted, so concurrent writers lock rows in one order and cannot deadlock on each other.
struct PostgreSQLChangeSet {
    /// Keys whose last operation is a put, with the value it stores, sorted by key bytes.
    private(set) var puts: [(key: String, value: [UInt8])] = []
    /// Keys whose last operation is a delete, sorted by key bytes.
    private(set) var deletes: [String] = []

    /// The net effect of `operations`, applied in order.
    init(_ operations: some Sequence<StorageOperation>) {
        // Keyed by bytes: Swift compares strings by canonical equivalence, and `é` composed or not
        // are two keys here, as in the table.
        var last: [[UInt8]: (key: String, value: [UInt8]?)] = [:]
        for operation in operations {
            switch operation {
            case .put(let key, let value): last[Array(key.utf8)] = (key, value)
            case .delete(let key): last[Array(key.utf8)] = (key, nil)
            }
        }
        for (_, change) in last.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            if let value = change.value {
                puts.append((change.key, value))
            } else {
                deletes.append(change.key)
            }
        }
    }

    /// Throws `invalidArgument` for an operation PostgreSQL cannot store: an empty key, or a key with a
    /// NUL character, which `text` cannot hold.
    static func validate(_ operations: [StorageOperation]) throws(StorageError) {
        for operation in operations {
            try operation.validate()
            if operation.key.utf8.contains(0) {
                throw StorageError(.invalidArgument, "\(operation.kind) with a NUL character in its key")
            }
        }
    }
}
