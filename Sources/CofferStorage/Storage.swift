/// One change inside an atomic batch.
public enum StorageOperation: Sendable, Hashable {
    case put(key: String, value: [UInt8])
    case delete(key: String)

    /// The key this operation changes.
    public var key: String {
        switch self {
        case .put(let key, _), .delete(let key): return key
        }
    }
}

/// The physical key-value store under the barrier (DESIGN.md §3).
///
/// Values are opaque bytes (ciphertext, once the barrier sits above). Every method is safe to call
/// from any thread. `commit` is atomic: all of a batch's operations are durable, or none is.
public protocol Storage: AnyObject, Sendable {
    /// The value stored at `key`, or `nil`.
    func get(_ key: String) throws(StorageError) -> [UInt8]?

    /// The immediate children of the folder `prefix` with Vault's folder semantics: a key directly
    /// in the folder is listed by its name; a deeper key is listed once as its first segment plus
    /// `/`. Sorted, without duplicates. `prefix` is empty or ends with `/`.
    func list(prefix: String) throws(StorageError) -> [String]

    /// Every key that starts with `prefix`, full keys, sorted.
    func keys(prefix: String) throws(StorageError) -> [String]

    /// Applies the operations atomically and durably, in order.
    func commit(_ operations: [StorageOperation]) throws(StorageError)

    /// Installs the observer of every later transaction, replacing any previous one; `nil` removes it.
    func setCommitHook(_ hook: (any StorageCommitHook)?)

    /// Takes the HA lock `name` when it is free or expired, or renews it when `holder` already has it.
    ///
    /// Locks live beside the entries, not among them: they never reach a commit hook, `list` or `keys`.
    /// The check and the write are one atomic step, so of several callers racing for a free lock exactly
    /// one wins. Time is the storage's clock (the database server's, for a shared database).
    /// - Parameters:
    ///   - value: stored with the lock; the active node advertises its addresses there.
    ///   - ttlMilliseconds: how long the lease lasts from now unless renewed; at least 1.
    /// - Returns: `true` when `holder` now has the lock, `false` when another live holder has it.
    func acquireLock(_ name: String, holder: String, value: [UInt8], ttlMilliseconds: Int) throws(StorageError) -> Bool

    /// Extends `holder`'s lease on `name` to `ttlMilliseconds` from now, keeping its value.
    ///
    /// A lease that expired but that nobody took meanwhile is still `holder`'s and is renewed.
    /// - Returns: `false` when `holder` no longer has the lock (released, or expired and taken by another).
    func renewLock(_ name: String, holder: String, ttlMilliseconds: Int) throws(StorageError) -> Bool

    /// Gives the lock `name` up if `holder` has it; otherwise does nothing.
    func releaseLock(_ name: String, holder: String) throws(StorageError)

    /// The live holder of the lock `name`, or `nil` when it is free or expired.
    func lockHolder(_ name: String) throws(StorageError) -> LockHolder?
}

/// Observes commits in commit order, inside the storage's serialization, and may add operations to the same
/// transaction.
///
/// From `operations(forTransaction:)` the hook may read the storage, which then shows the state before
/// the transaction; it must never commit to the storage or replace the hook from inside a call.
public protocol StorageCommitHook: AnyObject, Sendable {
    /// Called once per transaction, serialized, with the batches it will contain (in order); returns extra
    /// operations appended to that transaction.
    func operations(forTransaction batches: [[StorageOperation]]) -> [StorageOperation]
    /// Called after that transaction committed (`true`) or rolled back (`false`), still serialized.
    func transactionFinished(committed: Bool)
}

extension Storage {
    /// Stores one value atomically.
    public func put(_ key: String, _ value: [UInt8]) throws(StorageError) {
        try commit([.put(key: key, value: value)])
    }

    /// Deletes one key atomically; deleting a missing key is not an error.
    public func delete(_ key: String) throws(StorageError) {
        try commit([.delete(key: key)])
    }
}

/// Why a storage call failed. The reason names the operation, never a stored value.
public struct StorageError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Stable error codes.
    public enum Code: String, Sendable {
        case unavailable
        case io
        case corrupt
        case invalidArgument
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "storage.\(code.rawValue): \(reason)" }
}
