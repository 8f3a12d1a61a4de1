import Glibc
import Synchronization

/// Read-only connections handed out one per read, so that reads never wait for one another or for
/// the writer (WAL lets readers run alongside the single write transaction).
///
/// Each slot holds one connection and an atomic in-use flag; a reader claims a slot with a
/// compare-and-swap, starting at a slot chosen by its thread so that worker threads mostly keep
/// to their own connection and never touch a lock. When every slot is taken, a temporary
/// connection is opened and closed after the read: a read never queues behind another read.
final class SQLiteReaderPool: Sendable {
    private final class Slot: Sendable {
        let inUse = Atomic<Bool>(false)
        let connection: SQLiteConnection

        init(_ connection: SQLiteConnection) {
            self.connection = connection
        }
    }

    private let path: String
    private let busyTimeoutMilliseconds: Int32
    private let slots: [Slot]

    /// Opens `capacity` readers of the database at `path` up front, so that a bad path fails at once.
    init(path: String, capacity: Int, busyTimeoutMilliseconds: Int32) throws(StorageError) {
        self.path = path
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        var slots: [Slot] = []
        for _ in 0..<max(1, capacity) {
            let connection = try SQLiteConnection(
                path: path, mode: .readOnly, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            slots.append(Slot(connection))
        }
        self.slots = slots
    }

    /// Runs `body` with a connection that no other thread uses meanwhile.
    func withConnection<Value>(
        _ body: (SQLiteConnection) throws(StorageError) -> Value
    ) throws(StorageError) -> Value {
        let start = Int(((UInt(pthread_self()) &* 0x9E37_79B9_7F4A_7C15) >> 32) % UInt(slots.count))
        for offset in 0..<slots.count {
            let slot = slots[(start + offset) % slots.count]
            guard slot.inUse.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
                continue
            }
            defer {
                // A connection left in a transaction by a failed read would pin an old snapshot.
                slot.connection.rollbackIfNeeded()
                slot.inUse.store(false, ordering: .releasing)
            }
            return try body(slot.connection)
        }
        let temporary = try SQLiteConnection(
            path: path, mode: .readOnly, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        return try body(temporary)
    }
}
