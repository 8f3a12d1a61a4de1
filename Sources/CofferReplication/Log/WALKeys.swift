import CofferStorage

/// The storage keys of the replication bookkeeping, all local, and the encoding of the counters kept there.
enum WALKeys {
    /// The folder of the retained WAL records, one key per index.
    static let recordPrefix = "local/replication/wal/"
    /// The index of the newest record on the primary (`last_wal`).
    static let lastIndex = "local/replication/last-wal"
    /// The index of the oldest retained record on the primary.
    static let firstRetainedIndex = "local/replication/wal-first"
    /// The summed encoded size of the retained records on the primary.
    static let retainedBytes = "local/replication/wal-bytes"
    /// The index of the newest record a secondary has applied (`last_remote_wal`).
    static let lastRemoteIndex = "local/replication/last-remote-wal"

    /// The key of record `index`: 20 zero-padded decimal digits, enough for `UInt64.max`, so that the
    /// byte order of the keys is the order of the indexes.
    static func record(_ index: UInt64) -> String {
        let digits = String(index)
        return recordPrefix + String(repeating: "0", count: 20 - digits.count) + digits
    }

    /// A counter as 8 big-endian bytes.
    static func encodeCounter(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64($0))) }
    }

    /// The counter stored in `bytes`, or `nil` when they are not 8 bytes long.
    static func decodeCounter(_ bytes: [UInt8]) -> UInt64? {
        guard bytes.count == 8 else { return nil }
        return bytes.reduce(0) { ($0 << 8) | UInt64($1) }
    }

    /// Reads the counter at `key` from `storage`; `nil` when absent.
    static func readCounter(_ key: String, from storage: any Storage) throws(WALError) -> UInt64? {
        let stored: [UInt8]?
        do {
            stored = try storage.get(key)
        } catch {
            throw WALError(storage: error)
        }
        guard let stored else { return nil }
        guard let value = decodeCounter(stored) else {
            throw WALError(.corrupt, "the counter \(key) is not 8 bytes long")
        }
        return value
    }
}
