import CofferBase
import CofferCrypto
import CofferStorage
import Synchronization

/// Keeps one mount table (secrets engines or auth methods) in storage and in memory, and
/// serializes changes to it.
///
/// Replicated mounts are stored at the kind's replicated key (`sys/mount-table`, `sys/auth-table`),
/// local ones below `local/`. Readers take the current immutable snapshot; writers commit first,
/// then swap it in.
public final class MountRegistry: Sendable {
    /// Which table this registry keeps.
    public let kind: MountKind
    private let store: any EntryStore
    private let snapshot: ReadWriteLock<MountTable>
    private let changeLock = Mutex<Void>(())

    /// Loads the table from storage.
    public init(store: any EntryStore, kind: MountKind = .secrets) throws(CofferError) {
        self.store = store
        self.kind = kind
        snapshot = ReadWriteLock(MountTable(entries: try Self.load(store, kind: kind)))
    }

    private static func load(_ store: any EntryStore, kind: MountKind) throws(CofferError) -> [MountEntry] {
        var entries: [MountEntry] = []
        for key in [kind.replicatedKey, kind.localKey] {
            guard let bytes = try store.get(key) else { continue }
            guard let document = try? JSON.parse(bytes), let list = document["entries"]?.arrayValue else {
                throw .internalError("stored \(kind.noun) table is malformed")
            }
            entries += list.compactMap { MountEntry.deserialize($0, kind: kind) }
        }
        // Stores initialized before auth methods existed have no table; the token method is always there.
        if kind == .auth, !entries.contains(where: { $0.path == "token/" }) {
            entries.append(Self.tokenEntry(accessorSuffix: "00000000", uuid: "token"))
        }
        return entries
    }

    /// Re-reads the table from storage, after replication changed it underneath; returns the
    /// entries that are gone now, so their cluster-local remains can be cleaned up.
    @discardableResult
    public func reload() throws(CofferError) -> [MountEntry] {
        try changeLock.withLock { _ throws(CofferError) -> [MountEntry] in
            let previous = table.entries
            let entries = try Self.load(store, kind: kind)
            snapshot.write { $0 = MountTable(entries: entries) }
            let kept = Set(entries.map(\.uuid))
            return previous.values.filter { !kept.contains($0.uuid) }
        }
    }

    /// The current table.
    public var table: MountTable { snapshot.current }

    /// The storage operations that write a table's halves: both by default, or only the half that
    /// holds local (or replicated) mounts, so a change to a local mount on a secondary cluster
    /// writes nothing that replicates.
    static func tableOperations(
        _ entries: [MountEntry], kind: MountKind, only local: Bool? = nil
    ) -> [StorageOperation] {
        func document(_ subset: [MountEntry]) -> [UInt8] {
            JSON.object(["entries": .array(subset.sorted { $0.path < $1.path }.map { $0.serialized() })]).serialized()
        }
        var operations: [StorageOperation] = []
        if local != true {
            operations.append(.put(key: kind.replicatedKey, value: document(entries.filter { !$0.local })))
        }
        if local != false {
            operations.append(.put(key: kind.localKey, value: document(entries.filter(\.local))))
        }
        return operations
    }

    /// A new entry with fresh identifiers.
    static func makeEntry(
        path: String, type: String, local: Bool, options: [String: String], kind: MountKind = .secrets
    ) -> MountEntry {
        MountEntry(
            path: path, type: type, description: "", uuid: SecureRandom.uuid(),
            accessor: "\(kind.accessorPrefix)\(type)_\(Hex.encode(SecureRandom.bytes(4)))", local: local,
            sealWrap: false, options: options, defaultLeaseTTL: 0, maxLeaseTTL: 0, kind: kind)
    }

    /// The built-in token auth method's entry; its tokens live in the token store, not below it.
    static func tokenEntry(accessorSuffix: String, uuid: String) -> MountEntry {
        MountEntry(
            path: "token/", type: "token", description: "token based credentials", uuid: uuid,
            accessor: "auth_token_" + accessorSuffix, local: false, sealWrap: false, options: [:],
            defaultLeaseTTL: 0, maxLeaseTTL: 0, kind: .auth)
    }

    /// The initial auth table of a new cluster: just the token method.
    static func initialAuthOperations() -> [StorageOperation] {
        let token = tokenEntry(accessorSuffix: Hex.encode(SecureRandom.bytes(4)), uuid: SecureRandom.uuid())
        return tableOperations([token], kind: .auth)
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

    /// Adds a mount after checking for conflicts, together with the mount's first entries
    /// (`initialOperations`, absolute keys) in one atomic batch.
    public func enable(_ entry: MountEntry, initialOperations: [StorageOperation] = []) throws(CofferError) {
        try changeLock.withLock { _ throws(CofferError) in
            let current = table
            for reserved in kind.reserved where entry.path.hasPrefix(reserved) || reserved.hasPrefix(entry.path) {
                throw CofferError.badRequest("cannot mount at \"\(entry.path)\": the path is reserved")
            }
            if let existing = current.conflict(with: entry.path) {
                throw CofferError.badRequest("path is already in use at \(existing)")
            }
            let entries = Array(current.entries.values) + [entry]
            try store.commit(Self.tableOperations(entries, kind: kind, only: entry.local) + initialOperations)
            snapshot.write { $0 = MountTable(entries: entries) }
        }
    }

    /// Removes a mount and all of its data, replicated and cluster-local, in one atomic batch.
    public func disable(path: String) throws(CofferError) {
        try changeLock.withLock { _ throws(CofferError) in
            let current = table
            guard let entry = current.entries[path] else {
                throw CofferError.badRequest("no \(kind.noun) is mounted at \"\(path)\"")
            }
            let entries = current.entries.values.filter { $0.path != path }
            var operations = Self.tableOperations(Array(entries), kind: kind, only: entry.local)
            var prefixes = [entry.dataPrefix]
            if entry.localDataPrefix != entry.dataPrefix { prefixes.append(entry.localDataPrefix) }
            for prefix in prefixes {
                for key in try store.keys(prefix) { operations.append(.delete(key: key)) }
            }
            try store.commit(operations)
            snapshot.write { $0 = MountTable(entries: Array(entries)) }
        }
    }

    /// Replaces one entry (for tuning); the path and identifiers stay.
    public func update(_ entry: MountEntry) throws(CofferError) {
        try changeLock.withLock { _ throws(CofferError) in
            var entries = table.entries
            guard let previous = entries[entry.path] else {
                throw CofferError.badRequest("no \(kind.noun) is mounted at \"\(entry.path)\"")
            }
            guard previous.local == entry.local else {
                throw CofferError.badRequest("a mount cannot change between local and replicated")
            }
            entries[entry.path] = entry
            try store.commit(Self.tableOperations(Array(entries.values), kind: kind, only: entry.local))
            snapshot.write { $0 = MountTable(entries: Array(entries.values)) }
        }
    }
}
