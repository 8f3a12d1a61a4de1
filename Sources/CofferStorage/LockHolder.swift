/// Who holds a named HA lock, until when, and what the holder stored with it.
public struct LockHolder: Sendable, Equatable {
    /// The holder's name, as given to `Storage.acquireLock`.
    public let holder: String
    /// When the lease ends unless renewed: milliseconds since the epoch, by the storage's clock.
    public let expiresAtMilliseconds: Int64
    /// The bytes stored with the lock when it was acquired.
    public let value: [UInt8]

    /// A holder record, as a backend reads it.
    public init(holder: String, expiresAtMilliseconds: Int64, value: [UInt8]) {
        self.holder = holder
        self.expiresAtMilliseconds = expiresAtMilliseconds
        self.value = value
    }
}
