import CofferBase

/// The connections that serve reads and HA-lock calls, so that they never wait behind the writer.
///
/// Connections open lazily, up to `capacity`; a caller finding all of them busy waits for one to come
/// back, since each is a server process and cannot be opened freely for a burst as SQLite's can.
// Every mutable property is guarded by `lock`.
final class PostgreSQLConnectionPool: @unchecked Sendable {
    private let connect: @Sendable () throws(StorageError) -> PostgreSQLConnection
    private let capacity: Int
    private let lock = ConditionLock()
    private var idle: [PostgreSQLConnection] = []
    private var openCount = 0

    /// A pool that opens up to `capacity` connections with `connect`.
    init(capacity: Int, connect: @escaping @Sendable () throws(StorageError) -> PostgreSQLConnection) {
        self.capacity = max(1, capacity)
        self.connect = connect
    }

    /// Runs `body` with a connection that no other thread uses meanwhile.
    ///
    /// When `body` fails because the connection broke (often a connection the server dropped while it
    /// sat idle), `body` runs once more on the reset connection: callers pass only work that is safe
    /// to repeat, such as reads and the idempotent lock statements.
    func withConnection<Value>(
        _ body: (PostgreSQLConnection) throws(StorageError) -> Value
    ) throws(StorageError) -> Value {
        let connection = try checkOut()
        defer { checkIn(connection) }
        do throws(StorageError) {
            return try body(connection)
        } catch  where connection.isBroken {
            return try body(connection)
        }
    }

    private func checkOut() throws(StorageError) -> PostgreSQLConnection {
        let reused: PostgreSQLConnection? = lock.withLock {
            while idle.isEmpty && openCount >= capacity {
                lock.wait()
            }
            if let connection = idle.popLast() {
                return connection
            }
            openCount += 1
            return nil
        }
        if let reused {
            return reused
        }
        do throws(StorageError) {
            return try connect()
        } catch {
            lock.withLock {
                openCount -= 1
                lock.broadcast()
            }
            throw error
        }
    }

    private func checkIn(_ connection: PostgreSQLConnection) {
        // A connection left in a transaction by a failed call would hold its snapshot and locks.
        connection.rollbackIfNeeded()
        lock.withLock {
            idle.append(connection)
            lock.broadcast()
        }
    }
}
