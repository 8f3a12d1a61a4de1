import CofferBase
import CofferStorage
import Synchronization

/// The primary's replication log (DESIGN.md §4): a commit hook that appends one record per transaction that
/// touches replicated entries, in that same transaction.
///
/// Create it on a storage, then install it on that storage with `setCommitHook` (alone or in a
/// `CommitHookChain`); the two keep each other alive until `setCommitHook(nil)`. Records live under
/// `local/replication/wal/`, so they never replicate themselves; the window kept is bounded by `maxRecords`
/// and `maxBytes`, and the newest records are also kept in memory for the senders streaming to
/// secondaries. Indexes are consecutive: a transaction that rolls back releases its index.
// Every mutable property is guarded by `lock`; the hook methods are in addition serialized by the storage.
public final class WriteAheadLog: StorageCommitHook, @unchecked Sendable {
    /// The default bound on the number of retained records.
    public static let defaultMaxRecords = 100_000
    /// The default bound on the encoded size of the retained records: 256 MiB.
    public static let defaultMaxBytes = 256 << 20
    /// The default number of records kept in memory.
    public static let defaultBufferRecords = 8_192
    /// The default encoded size of the records kept in memory: 32 MiB.
    public static let defaultBufferBytes = 32 << 20

    // Bounds the storage reads of one transaction after the limits were lowered; the rest go in later ones.
    private static let maxEvictionsPerTransaction = 1_024

    /// A record prepared for the running transaction, with the window it leaves if the transaction commits.
    private struct PendingAppend {
        let record: WALRecord
        let firstRetained: UInt64
        let retainedBytes: Int
    }

    /// The storage the records live in.
    let storage: any Storage
    private let maxRecords: Int
    private let maxBytes: Int
    /// Guards the window and the ring; its condition wakes `waitForRecords`.
    let lock = ConditionLock()
    /// The newest committed index.
    private(set) var last: UInt64
    /// The oldest index the storage retains.
    private(set) var firstRetained: UInt64
    private var retainedBytes: Int
    /// The newest committed records, for senders.
    var ring: WALRing
    private var pending: PendingAppend?
    private let observers = Mutex<[@Sendable (WALRecord) -> Void]>([])

    /// Opens the log kept in `storage`, reading its persisted counters.
    ///
    /// - Parameters:
    ///   - maxRecords: how many records the storage retains at most (at least 1).
    ///   - maxBytes: the encoded size the retained records may reach; the newest record is kept even if larger.
    ///   - bufferRecords: how many of the newest records stay in memory as well.
    ///   - bufferBytes: the encoded size those in-memory records may reach.
    /// - Throws: `invalidArgument` for a limit below 1 (0 for the buffer), `corrupt` for inconsistent counters,
    ///   `storage` when they cannot be read.
    public init(
        storage: any Storage,
        maxRecords: Int = defaultMaxRecords,
        maxBytes: Int = defaultMaxBytes,
        bufferRecords: Int = defaultBufferRecords,
        bufferBytes: Int = defaultBufferBytes
    ) throws(WALError) {
        guard maxRecords >= 1, maxBytes >= 1, bufferRecords >= 0, bufferBytes >= 0 else {
            throw WALError(.invalidArgument, "WAL retention limits must be at least 1 and buffer limits at least 0")
        }
        self.storage = storage
        self.maxRecords = maxRecords
        self.maxBytes = maxBytes
        ring = WALRing(recordLimit: bufferRecords, byteLimit: bufferBytes)
        last = try WALKeys.readCounter(WALKeys.lastIndex, from: storage) ?? 0
        firstRetained = try WALKeys.readCounter(WALKeys.firstRetainedIndex, from: storage) ?? 1
        let bytes = try WALKeys.readCounter(WALKeys.retainedBytes, from: storage) ?? 0
        guard firstRetained >= 1, firstRetained <= last + 1, bytes <= UInt64(Int.max) else {
            throw WALError(.corrupt, "the WAL counters contradict each other (first \(firstRetained), last \(last))")
        }
        retainedBytes = Int(bytes)
    }

    /// The index of the newest committed record (`last_wal`); 0 before the first.
    public var lastIndex: UInt64 {
        lock.withLock { last }
    }

    /// The index of the oldest record the storage still holds; `lastIndex + 1` when it holds none.
    public var firstRetainedIndex: UInt64 {
        lock.withLock { firstRetained }
    }

    /// The summed encoded size of the records the storage holds.
    public var retainedByteCount: Int {
        lock.withLock { retainedBytes }
    }

    /// Registers `observer`, called with each record after its transaction committed, in index order.
    ///
    /// Observers run inside the storage's commit serialization: they must be quick and must not commit to it.
    public func addObserver(_ observer: @escaping @Sendable (WALRecord) -> Void) {
        observers.withLock { $0.append(observer) }
    }

    /// Prepares the record of the transaction made of `batches`, if it touches replicated keys.
    ///
    /// - Returns: the record's put, the counters' puts, and deletes of the oldest records beyond retention.
    public func operations(forTransaction batches: [[StorageOperation]]) -> [StorageOperation] {
        let replicated = batches.flatMap { batch in batch.filter { WALDataClass.replicates($0.key) } }
        guard !replicated.isEmpty else {
            lock.withLock { pending = nil }
            return []
        }
        let (last, oldFirst, oldBytes) = lock.withLock { (self.last, firstRetained, retainedBytes) }
        let record = WALRecord(index: last + 1, operations: replicated)
        var extra: [StorageOperation] = [.put(key: WALKeys.record(record.index), value: record.encoded())]
        var first = oldFirst
        var bytes = oldBytes + record.encodedSize
        var evictions = 0
        while first < record.index, evictions < Self.maxEvictionsPerTransaction,
            record.index - first + 1 > UInt64(maxRecords) || bytes > maxBytes
        {
            // The hook sees the state before this transaction, where record `first` is still stored.
            let oldest: [UInt8]?
            do {
                oldest = try storage.get(WALKeys.record(first))
            } catch {
                // An unmeasured record cannot be evicted; retention retries with the next transaction.
                break
            }
            extra.append(.delete(key: WALKeys.record(first)))
            bytes -= oldest?.count ?? 0
            first += 1
            evictions += 1
        }
        extra.append(.put(key: WALKeys.lastIndex, value: WALKeys.encodeCounter(record.index)))
        extra.append(.put(key: WALKeys.retainedBytes, value: WALKeys.encodeCounter(UInt64(bytes))))
        if first != oldFirst || last == 0 {
            extra.append(.put(key: WALKeys.firstRetainedIndex, value: WALKeys.encodeCounter(first)))
        }
        lock.withLock {
            pending = PendingAppend(record: record, firstRetained: first, retainedBytes: bytes)
        }
        return extra
    }

    /// Publishes the prepared record if the transaction committed; forgets it, index included, if it rolled back.
    public func transactionFinished(committed: Bool) {
        let published: WALRecord? = lock.withLock {
            defer { pending = nil }
            guard committed, let pending else { return nil }
            last = pending.record.index
            firstRetained = pending.firstRetained
            retainedBytes = pending.retainedBytes
            ring.append(pending.record)
            ring.dropRecords(below: firstRetained)
            lock.broadcast()
            return pending.record
        }
        guard let published else { return }
        for observer in observers.withLock({ $0 }) {
            observer(published)
        }
    }
}
