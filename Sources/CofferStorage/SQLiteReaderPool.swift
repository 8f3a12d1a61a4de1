import Synchronization

/// Read-only connections handed out one per read, so that reads never wait for one another or for
/// the writer (WAL lets readers run alongside the single write transaction).
///
/// The lock guards only the free list and is held for a pop or a push, never during a query. When
/// every connection is out, a new one is opened rather than waiting: a read never queues behind
/// another read. Returned connections beyond `capacity` are closed, so the pool settles back to
/// `capacity` idle connections (each with its own cache of prepared statements).
final class SQLiteReaderPool: Sendable {
    private let path: String
    private let capacity: Int
    private let busyTimeoutMilliseconds: Int32
    private let idle: Mutex<[SQLiteConnection]>

    /// Opens `capacity` readers of the database at `path` up front, so that a bad path fails at once.
    init(path: String, capacity: Int, busyTimeoutMilliseconds: Int32) throws(StorageError) {
        self.path = path
        self.capacity = capacity
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        var connections: [SQLiteConnection] = []
        for _ in 0..<capacity {
            connections.append(
                try SQLiteConnection(path: path, mode: .readOnly, busyTimeoutMilliseconds: busyTimeoutMilliseconds))
        }
        idle = Mutex(connections)
    }

    /// Runs `body` with a connection that no other thread uses meanwhile.
    func withConnection<Value>(
        _ body: (SQLiteConnection) throws(StorageError) -> Value
    ) throws(StorageError) -> Value {
        let connection = try checkOut()
        defer { checkIn(connection) }
        return try body(connection)
    }

    private func checkOut() throws(StorageError) -> SQLiteConnection {
        if let connection = idle.withLock({ $0.popLast() }) {
            return connection
        }
        return try SQLiteConnection(path: path, mode: .readOnly, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
    }

    private func checkIn(_ connection: SQLiteConnection) {
        // A connection left in a transaction by a failed read would pin an old snapshot.
        connection.rollbackIfNeeded()
        idle.withLock { connections in
            if connections.count < capacity {
                connections.append(connection)
            }
        }
    }
}
