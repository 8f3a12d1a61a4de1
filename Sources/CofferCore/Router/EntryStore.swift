import CofferStorage

/// Plaintext entries with atomic batches: what the barrier offers to everything above it.
public protocol EntryStore: Sendable {
    /// The plaintext stored at `key`, or `nil`.
    func get(_ key: String) throws(CofferError) -> [UInt8]?
    /// Immediate children of the folder `prefix`, with Vault's folder semantics.
    func list(_ prefix: String) throws(CofferError) -> [String]
    /// Every key below `prefix`, full keys.
    func keys(_ prefix: String) throws(CofferError) -> [String]
    /// Applies plaintext puts and deletes atomically.
    func commit(_ operations: [StorageOperation]) throws(CofferError)
}

/// An `EntryStore` over physical storage with no encryption: for tests of the layers above the barrier.
public struct PlainEntryStore: EntryStore {
    private let storage: any Storage

    public init(_ storage: any Storage) {
        self.storage = storage
    }

    public func get(_ key: String) throws(CofferError) -> [UInt8]? {
        do { return try storage.get(key) } catch { throw .storage(error) }
    }

    public func list(_ prefix: String) throws(CofferError) -> [String] {
        do { return try storage.list(prefix: prefix) } catch { throw .storage(error) }
    }

    public func keys(_ prefix: String) throws(CofferError) -> [String] {
        do { return try storage.keys(prefix: prefix) } catch { throw .storage(error) }
    }

    public func commit(_ operations: [StorageOperation]) throws(CofferError) {
        do { try storage.commit(operations) } catch { throw .storage(error) }
    }
}
