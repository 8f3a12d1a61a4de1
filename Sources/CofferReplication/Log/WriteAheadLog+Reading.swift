import CofferStorage

extension WriteAheadLog {
    /// The committed records after `index`, for a sender streaming to a secondary whose `last_remote_wal`
    /// is `index`.
    ///
    /// Served from memory when the in-memory window reaches back to `index + 1`, else read from storage;
    /// both give the same records. At least one record is returned when any is due, even one larger than
    /// `maxBytes`.
    ///
    /// - Returns: `.records` (empty when caught up), or `.unavailable` when record `index + 1` is no longer
    ///   retained, or `index` is beyond `lastIndex` (a history this log never had): merkle sync instead.
    /// - Throws: `invalidArgument` for `maxCount` below 1, `storage` or `corrupt` when reading fails.
    public func records(after index: UInt64, maxCount: Int, maxBytes: Int) throws(WALError) -> WALFetch {
        guard maxCount >= 1 else {
            throw WALError(.invalidArgument, "maxCount must be at least 1")
        }
        var budget = WALFetchBudget(maxCount: maxCount, maxBytes: maxBytes)
        let window: (last: UInt64, first: UInt64, buffered: [WALRecord]?) = lock.withLock {
            (last, firstRetained, index < last ? ring.records(after: index, budget: &budget) : nil)
        }
        guard index <= window.last, index + 1 >= window.first else { return .unavailable }
        if index == window.last { return .records([]) }
        if let buffered = window.buffered { return .records(buffered) }
        return try storedRecords(from: index + 1, through: window.last, budget: &budget)
    }

    /// Waits until a record after `index` has committed, or `timeoutMilliseconds` have passed.
    ///
    /// - Returns: whether `lastIndex > index` on return.
    public func waitForRecords(after index: UInt64, timeoutMilliseconds: Int) -> Bool {
        lock.withLock {
            lock.wait(timeoutMilliseconds: timeoutMilliseconds) { last > index }
        }
    }

    private func storedRecords(
        from start: UInt64, through end: UInt64, budget: inout WALFetchBudget
    ) throws(WALError) -> WALFetch {
        var records: [WALRecord] = []
        for index in start...end {
            let stored: [UInt8]?
            do {
                stored = try storage.get(WALKeys.record(index))
            } catch {
                throw WALError(storage: error)
            }
            guard let stored else {
                // Retention evicts oldest first and may have done so since the window was read.
                if !records.isEmpty { break }
                if index < firstRetainedIndex { return .unavailable }
                throw WALError(.corrupt, "WAL record \(index) is missing inside the retained window")
            }
            guard budget.admit(size: stored.count) else { break }
            let record = try WALRecord.decode(stored)
            guard record.index == index else {
                throw WALError(.corrupt, "the WAL key of record \(index) holds record \(record.index)")
            }
            records.append(record)
        }
        return .records(records)
    }
}
