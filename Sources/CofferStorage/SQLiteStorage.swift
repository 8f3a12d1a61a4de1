import Synchronization

/// Storage in one SQLite file: the production default (DESIGN.md §3).
///
/// The file runs in WAL mode. Reads use a pool of read-only connections and take no lock that
/// writes hold, so they run in parallel with each other and with the writer, each seeing the last
/// committed state. Writes go through one read-write connection; concurrent commits are merged by
/// `GroupCommitQueue` into shared `BEGIN IMMEDIATE … COMMIT` transactions, so that with
/// `synchronous=FULL` one fsync serves a whole group. The busy timeout lets several processes on
/// one host share the file, waiting for one another's write transactions.
public final class SQLiteStorage: Storage {
    private static let getSQL = "SELECT value FROM coffer_entries WHERE key = ?1"
    private static let keysInRangeSQL = "SELECT key FROM coffer_entries WHERE key >= ?1 AND key < ?2 ORDER BY key"
    private static let keysFromSQL = "SELECT key FROM coffer_entries WHERE key >= ?1 ORDER BY key"
    private static let busyTimeoutMilliseconds: Int32 = 10_000

    // Declared before the writer so that the readers close first: the last connection to close
    // checkpoints the WAL and removes it, which a read-only connection cannot do.
    /// The read connections; internal, like the next two, for the lock methods in `SQLiteStorage+Locks`.
    let readers: SQLiteReaderPool
    /// The one read-write connection, used only by the group-commit leader or an exclusive caller.
    let writer: SQLiteWriter
    /// Serializes the writer's users: commit groups, and lock calls between them.
    let queue = GroupCommitQueue()
    private let hook = Mutex<(any StorageCommitHook)?>(nil)
    private let committedTransactions = Atomic<Int>(0)

    /// Opens (creating if needed) the database file at `path`.
    ///
    /// - Parameters:
    ///   - path: the database file; its directory must be writable, for the `-wal` and `-shm` files.
    ///   - synchronous: the durability setting; keep `.full` unless losing recent commits is acceptable.
    ///   - readerCount: read connections kept open; more are opened for bursts of parallel reads.
    /// - Throws: `invalidArgument` for a `readerCount` below 1; `unavailable` or `io` when the file
    ///   cannot be opened or does not accept WAL mode.
    public init(path: String, synchronous: SQLiteSynchronous = .full, readerCount: Int = 8) throws(StorageError) {
        guard readerCount >= 1 else {
            throw StorageError(.invalidArgument, "readerCount must be at least 1")
        }
        writer = try SQLiteWriter(
            path: path, synchronous: synchronous, busyTimeoutMilliseconds: Self.busyTimeoutMilliseconds)
        readers = try SQLiteReaderPool(
            path: path, capacity: readerCount, busyTimeoutMilliseconds: Self.busyTimeoutMilliseconds)
    }

    /// How many write transactions have committed since the storage was opened.
    ///
    /// Lower than the number of `commit` calls when group commit merged some of them.
    public var transactionCount: Int {
        committedTransactions.load(ordering: .relaxed)
    }

    /// The value stored at `key`, or `nil`.
    public func get(_ key: String) throws(StorageError) -> [UInt8]? {
        try readers.withConnection { (connection) throws(StorageError) -> [UInt8]? in
            let statement = try connection.statement(Self.getSQL)
            defer { statement.reset() }
            try statement.bind(key, at: 1)
            guard try statement.step() else { return nil }
            return statement.bytes(at: 0)
        }
    }

    /// The immediate children of the folder `prefix`, in UTF-8 byte order, from one snapshot.
    public func list(prefix: String) throws(StorageError) -> [String] {
        let prefixBytes = Array(prefix.utf8)
        let upperBound = FolderListing.successor(of: prefixBytes)
        return try readers.withConnection { (connection) throws(StorageError) -> [String] in
            try connection.withReadTransaction { (connection) throws(StorageError) -> [String] in
                let statement = try connection.statement(upperBound == nil ? Self.keysFromSQL : Self.keysInRangeSQL)
                defer { statement.reset() }
                var names: [String] = []
                var lowerBound = prefixBytes
                // Each listed subfolder restarts the range scan after its last key instead of reading them all.
                scan: while true {
                    statement.reset()
                    try statement.bind(textBytes: lowerBound, at: 1)
                    if let upperBound {
                        try statement.bind(textBytes: upperBound, at: 2)
                    }
                    while try statement.step() {
                        switch FolderListing.entry(forKey: statement.bytes(at: 0), prefixLength: prefixBytes.count) {
                        case .key(let name):
                            names.append(name)
                        case .folder(let name, let resume):
                            names.append(name)
                            lowerBound = resume
                            continue scan
                        case nil:
                            continue
                        }
                    }
                    return names
                }
            }
        }
    }

    /// Every key that starts with `prefix`, full keys, in UTF-8 byte order.
    public func keys(prefix: String) throws(StorageError) -> [String] {
        let prefixBytes = Array(prefix.utf8)
        let upperBound = FolderListing.successor(of: prefixBytes)
        return try readers.withConnection { (connection) throws(StorageError) -> [String] in
            let statement = try connection.statement(upperBound == nil ? Self.keysFromSQL : Self.keysInRangeSQL)
            defer { statement.reset() }
            try statement.bind(textBytes: prefixBytes, at: 1)
            if let upperBound {
                try statement.bind(textBytes: upperBound, at: 2)
            }
            var keys: [String] = []
            while try statement.step() {
                keys.append(statement.text(at: 0))
            }
            return keys
        }
    }

    /// Applies the operations atomically and durably, possibly in one transaction with concurrent
    /// callers' batches; an empty batch is a no-op.
    public func commit(_ operations: [StorageOperation]) throws(StorageError) {
        guard !operations.isEmpty else { return }
        // Checked before queueing so that a malformed batch fails alone, not its whole group.
        try operations.validate()
        try queue.commit(operations, runGroup: runGroup)
    }

    /// Installs the observer of every later transaction; `nil` removes it.
    public func setCommitHook(_ hook: (any StorageCommitHook)?) {
        self.hook.withLock { $0 = hook }
    }

    /// The value of `PRAGMA name` on the writer connection, for tests and diagnostics.
    package func pragma(_ name: String) throws(StorageError) -> String? {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0 == "_" }) else {
            throw StorageError(.invalidArgument, "not a pragma name")
        }
        return try queue.exclusively { () throws(StorageError) -> String? in
            try writer.connection.execute("PRAGMA \(name)", cached: false)
        }
    }

    /// Runs one group as the leader: the hook sees the batches, the transaction runs, the hook learns
    /// the outcome, all before the next group can start.
    private func runGroup(_ batches: [[StorageOperation]]) -> Result<Void, StorageError> {
        runHookedGroup(batches, hook: hook.withLock { $0 }, committed: committedTransactions) {
            (extra) throws(StorageError) in
            try writer.runTransaction(batches, extra: extra)
        }
    }
}
