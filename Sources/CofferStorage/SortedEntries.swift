/// Key-value entries kept sorted by the keys' UTF-8 bytes: the data of `InMemoryStorage`.
///
/// Byte order matches SQLite's BINARY collation, so both backends list in the same order; it also
/// keeps keys that Swift considers canonically equal (`é` composed or not) apart, as SQLite does.
struct SortedEntries: Sendable {
    /// One stored key and its value.
    private struct Entry: Sendable {
        var key: [UInt8]
        var value: [UInt8]
    }

    private var entries: [Entry] = []

    /// An empty store.
    init() {}

    /// The value stored at `key`, or `nil`.
    func value(forKey key: String) -> [UInt8]? {
        let bytes = Array(key.utf8)
        let index = lowerBound(bytes)
        guard index < entries.count, entries[index].key == bytes else { return nil }
        return entries[index].value
    }

    /// Every key that starts with `prefix`, in byte order.
    func keys(prefix: String) -> [String] {
        let bytes = Array(prefix.utf8)
        var result: [String] = []
        var index = lowerBound(bytes)
        while index < entries.count, entries[index].key.starts(with: bytes) {
            result.append(String(decoding: entries[index].key, as: UTF8.self))
            index += 1
        }
        return result
    }

    /// The folder listing of `prefix`, jumping over each subfolder once it is listed.
    func list(prefix: String) -> [String] {
        let bytes = Array(prefix.utf8)
        var result: [String] = []
        var index = lowerBound(bytes)
        while index < entries.count, entries[index].key.starts(with: bytes) {
            switch FolderListing.entry(forKey: entries[index].key, prefixLength: bytes.count) {
            case .key(let name):
                result.append(name)
                index += 1
            case .folder(let name, let resume):
                result.append(name)
                index = lowerBound(resume)
            case nil:
                index += 1
            }
        }
        return result
    }

    /// Applies the operations in order; they cannot fail once validated.
    mutating func apply(_ operations: [StorageOperation]) {
        for operation in operations {
            switch operation {
            case .put(let key, let value):
                let bytes = Array(key.utf8)
                let index = lowerBound(bytes)
                if index < entries.count, entries[index].key == bytes {
                    entries[index].value = value
                } else {
                    entries.insert(Entry(key: bytes, value: value), at: index)
                }
            case .delete(let key):
                let bytes = Array(key.utf8)
                let index = lowerBound(bytes)
                if index < entries.count, entries[index].key == bytes {
                    entries.remove(at: index)
                }
            }
        }
    }

    /// The index of the first entry whose key is not less than `key`.
    private func lowerBound(_ key: [UInt8]) -> Int {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = low + (high - low) / 2
            if entries[middle].key.lexicographicallyPrecedes(key) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }
}
