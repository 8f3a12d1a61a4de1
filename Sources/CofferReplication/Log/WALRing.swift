/// The primary's in-memory window of the newest committed records (Vault's "log shipper" buffer).
///
/// Holds a contiguous run of indexes ending at the newest record, bounded by a record count and a byte
/// total; the oldest leave first. Not thread-safe: `WriteAheadLog` guards it with its lock.
struct WALRing {
    private var records: [WALRecord] = []
    // Evicted records stay in `records` below `head` until compaction, so eviction is O(1) amortised.
    private var head = 0
    private var byteCount = 0
    private let recordLimit: Int
    private let byteLimit: Int

    /// An empty ring holding at most `recordLimit` records and `byteLimit` encoded bytes.
    init(recordLimit: Int, byteLimit: Int) {
        self.recordLimit = recordLimit
        self.byteLimit = byteLimit
    }

    /// How many records the ring holds.
    var count: Int { records.count - head }

    /// Adds the newest record, then evicts the oldest until both limits hold (possibly the new one too).
    mutating func append(_ record: WALRecord) {
        records.append(record)
        byteCount += record.encodedSize
        while count > 0 && (count > recordLimit || byteCount > byteLimit) {
            evictOldest()
        }
    }

    /// Evicts every record below `index`, which the storage no longer retains either.
    mutating func dropRecords(below index: UInt64) {
        while head < records.count && records[head].index < index {
            evictOldest()
        }
    }

    /// The records from `after + 1` on within `budget`, or `nil` when the ring does not reach back that far.
    func records(after index: UInt64, budget: inout WALFetchBudget) -> [WALRecord]? {
        guard head < records.count, records[head].index <= index + 1 else { return nil }
        let start = head + Int(index + 1 - records[head].index)
        guard start < records.count else { return [] }
        var selected: [WALRecord] = []
        for record in records[start...] {
            guard budget.admit(size: record.encodedSize) else { break }
            selected.append(record)
        }
        return selected
    }

    private mutating func evictOldest() {
        byteCount -= records[head].encodedSize
        head += 1
        if head == records.count {
            records.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024 && head * 2 >= records.count {
            records.removeFirst(head)
            head = 0
        }
    }
}
