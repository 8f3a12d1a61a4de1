import CofferBase
import CofferCrypto
import CofferStorage

/// A window onto the entry store under one key prefix: a mount's data, or one subsystem's.
///
/// Keys given to a view are relative to its prefix; the view never reaches outside it.
public struct StorageView: Sendable {
    /// The prefix, ending with `/`.
    public let prefix: String
    private let store: any EntryStore

    public init(store: any EntryStore, prefix: String) {
        self.store = store
        self.prefix = prefix
    }

    /// A view of a sub-folder of this one.
    public func subview(_ folder: String) -> StorageView {
        StorageView(store: store, prefix: prefix + folder)
    }

    public func get(_ key: String) throws(CofferError) -> [UInt8]? {
        try store.get(prefix + key)
    }

    /// The entry at `key` parsed as JSON, or `nil` when absent.
    public func getJSON(_ key: String) throws(CofferError) -> JSON? {
        guard let bytes = try store.get(prefix + key) else { return nil }
        do { return try JSON.parse(bytes) } catch { throw .internalError("stored entry is not valid JSON") }
    }

    public func list(_ folder: String) throws(CofferError) -> [String] {
        try store.list(prefix + folder)
    }

    /// Every key below `folder`, relative to this view.
    public func keys(_ folder: String = "") throws(CofferError) -> [String] {
        try store.keys(prefix + folder).map { String($0.dropFirst(prefix.count)) }
    }

    /// Applies relative puts and deletes atomically.
    public func commit(_ operations: [StorageOperation]) throws(CofferError) {
        try store.commit(operations.map(absolute))
    }

    public func put(_ key: String, _ value: [UInt8]) throws(CofferError) {
        try store.commit([.put(key: prefix + key, value: value)])
    }

    public func putJSON(_ key: String, _ value: JSON) throws(CofferError) {
        try put(key, value.serialized())
    }

    public func delete(_ key: String) throws(CofferError) {
        try store.commit([.delete(key: prefix + key)])
    }

    /// The 32-byte salt stored at `salt` in this view, created on first use; stores that keep
    /// secrets only as salted hashes (tokens, wrapping tokens) each have their own.
    public func salt() throws(CofferError) -> [UInt8] {
        if let existing = try get("salt") { return existing }
        let fresh = SecureRandom.bytes(32)
        try put("salt", fresh)
        return fresh
    }

    /// The same operation with this view's prefix in front of its key.
    public func absolute(_ operation: StorageOperation) -> StorageOperation {
        switch operation {
        case .put(let key, let value): return .put(key: prefix + key, value: value)
        case .delete(let key): return .delete(key: prefix + key)
        }
    }
}
