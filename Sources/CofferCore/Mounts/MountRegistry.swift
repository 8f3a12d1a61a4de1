import CofferBase
import CofferCrypto
import CofferStorage
import Synchronization

/// Keeps the mount table in storage and in memory, and serializes changes to it.
///
/// Replicated mounts are stored at `sys/mount-table`, local ones at `local/sys/mount-table`.
/// Readers take the current immutable snapshot; writers commit first, then swap it in.
public final class MountRegistry: Sendable {
    static let replicatedKey = "sys/mount-table"
    static let localKey = DataClass.localPrefix + "sys/mount-table"
    /// Paths that belong to built-in backends and cannot be mounted over.
    static let reserved = ["sys/", "auth/", "cubbyhole/", "identity/"]

    private let store: any EntryStore
    private let snapshot: ReadWriteLock<MountTable>
    private let changeLock = Mutex<Void>(())

    /// Loads the table from storage.
    public init(store: any EntryStore) throws(CofferError) {
        self.store = store
        let entries = try Self.load(store, key: Self.replicatedKey) + Self.load(store, key: Self.localKey)
        snapshot = ReadWriteLock(MountTable(entries: entries))
    }

    private static func load(_ store: any EntryStore, key: String) throws(CofferError) -> [MountEntry] {
        guard let bytes = try store.get(key) else { return [] }
        guard let document = try? JSON.parse(bytes), let list = document["entries"]?.arrayValue else {
            throw .internalError("stored mount table is malformed")
        }
        return list.compactMap(MountEntry.deserialize)
    }

    /// Re-reads the table from storage, after replication changed it underneath.
    public func reload() throws(CofferError) {
        try changeLock.withLock { _ throws(CofferError) in
            let entries = try Self.load(store, key: Self.replicatedKey) + Self.load(store, key: Self.localKey)
            snapshot.write { $0 = MountTable(entries: entries) }
        }
    }

    /// The current table.
    public var table: MountTable { snapshot.current }

    /// The storage operations that write a table's halves: both by default, or only the half that
    /// holds local (or replicated) mounts, so a change to a local mount on a secondary cluster
    /// writes nothing that replicates.
    static func tableOperations(_ entries: [MountEntry], only local: Bool? = nil) -> [StorageOperation] {
        func document(_ subset: [MountEntry]) -> [UInt8] {
            JSON.object(["entries": .array(subset.sorted { $0.path < $1.path }.map { $0.serialized() })]).serialized()
        }
        var operations: [StorageOperation] = []
        if local != true {
            operations.append(.put(key: replicatedKey, value: document(entries.filter { !$0.local })))
        }
        if local != false {
            operations.append(.put(key: localKey, value: document(entries.filter(\.local))))
        }
        return operations
    }

    /// A new entry with fresh identifiers.
    static func makeEntry(path: String, type: String, local: Bool, options: [String: String]) -> MountEntry {
        MountEntry(
            path: path, type: type, description: "", uuid: SecureRandom.uuid(),
            accessor: "\(type)_\(Hex.encode(SecureRandom.bytes(4)))", local: local, sealWrap: false,
            options: options, defaultLeaseTTL: 0, maxLeaseTTL: 0)
    }

    /// Normalizes a mount path: no leading slash, one trailing slash.
    static func normalize(_ path: String) throws(CofferError) -> String {
        var trimmed = Substring(path)
        while trimmed.hasPrefix("/") { trimmed = trimmed.dropFirst() }
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard !trimmed.isEmpty, !trimmed.split(separator: "/").contains("..") else {
            throw .badRequest("invalid mount path")
        }
        return trimmed + "/"
    }

    /// Adds a mount after checking for conflicts.
    public func enable(_ entry: MountEntry) throws(CofferError) {
        try changeLock.withLock { _ throws(CofferError) in
            let current = table
            for reserved in Self.reserved where entry.path.hasPrefix(reserved) || reserved.hasPrefix(entry.path) {
                throw CofferError.badRequest("cannot mount at \"\(entry.path)\": the path is reserved")
            }
            if let existing = current.conflict(with: entry.path) {
                throw CofferError.badRequest("path is already in use at \(existing)")
            }
            let entries = Array(current.entries.values) + [entry]
            try store.commit(Self.tableOperations(entries, only: entry.local))
            snapshot.write { $0 = MountTable(entries: entries) }
        }
    }

    /// Removes a mount and all of its data in one atomic batch.
    public func disable(path: String) throws(CofferError) {
        try changeLock.withLock { _ throws(CofferError) in
            let current = table
            guard let entry = current.entries[path] else {
                throw CofferError.badRequest("no secrets engine is mounted at \"\(path)\"")
            }
            let entries = current.entries.values.filter { $0.path != path }
            var operations = Self.tableOperations(Array(entries), only: entry.local)
            for key in try store.keys(entry.dataPrefix) { operations.append(.delete(key: key)) }
            try store.commit(operations)
            snapshot.write { $0 = MountTable(entries: Array(entries)) }
        }
    }

    /// Replaces one entry (for tuning); the path and identifiers stay.
    public func update(_ entry: MountEntry) throws(CofferError) {
        try changeLock.withLock { _ throws(CofferError) in
            var entries = table.entries
            guard let previous = entries[entry.path] else {
                throw CofferError.badRequest("no secrets engine is mounted at \"\(entry.path)\"")
            }
            guard previous.local == entry.local else {
                throw CofferError.badRequest("a mount cannot change between local and replicated")
            }
            entries[entry.path] = entry
            try store.commit(Self.tableOperations(Array(entries.values), only: entry.local))
            snapshot.write { $0 = MountTable(entries: Array(entries.values)) }
        }
    }
}
