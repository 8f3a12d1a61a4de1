import CofferBase
import CofferCrypto
import CofferStorage
import Synchronization

/// Encrypts every entry with AES-256-GCM under the keyring's active term (DESIGN.md §3).
///
/// Stored form: `0x01 ‖ term (4 bytes, big-endian) ‖ nonce ‖ ciphertext ‖ tag`. The associated
/// data is the term followed by the storage path, so an entry copied to another path, or relabelled
/// with another term, fails authentication. Sealing drops the keyring; every call then throws.
public final class Barrier: EntryStore {
    /// Physical keys below this prefix belong to the seal (seal config, root key, keyring) and are
    /// written outside the barrier; the barrier refuses them so no entry can shadow them.
    public static let reservedPrefix = "core/"
    static let formatVersion: UInt8 = 1

    /// The storage under the barrier.
    public let storage: any Storage
    private let keyring = ReadWriteLock<Keyring?>(nil)
    private let replicatedWrites = ReadWriteLock<ReplicatedWrites>(.allowed)

    /// How the barrier treats writes to replicated entries (DESIGN.md §4).
    public enum ReplicatedWrites: Sendable, Equatable {
        /// A primary, or a cluster without replication.
        case allowed
        /// A secondary: such writes throw `CofferError.mustForward`, before anything is written.
        case forward
        /// Refused with this error, e.g. while another primary of the cluster is active.
        case refused(CofferError)
    }

    /// Changes how writes to replicated entries are treated.
    public func setReplicatedWrites(_ policy: ReplicatedWrites) {
        replicatedWrites.write { $0 = policy }
    }

    /// How writes to replicated entries are treated now.
    public var replicatedWritePolicy: ReplicatedWrites { replicatedWrites.current }

    public init(storage: any Storage) {
        self.storage = storage
    }

    /// Installs the keyring: the barrier is unsealed from now on.
    public func unseal(with keyring: Keyring) {
        self.keyring.write { $0 = keyring }
    }

    /// Drops the keyring from memory.
    public func seal() {
        keyring.write { $0 = nil }
    }

    /// Whether a keyring is installed.
    public var isSealed: Bool { keyring.read { $0 == nil } }

    /// The installed keyring, if unsealed.
    public var currentKeyring: Keyring? { keyring.current }

    private func requireKeyring() throws(CofferError) -> Keyring {
        guard let current = keyring.current else { throw CofferError.sealed }
        return current
    }

    public func get(_ key: String) throws(CofferError) -> [UInt8]? {
        let physical: [UInt8]?
        do { physical = try storage.get(key) } catch { throw .storage(error) }
        guard let physical else { return nil }
        return try decrypt(physical, path: key, keyring: requireKeyring())
    }

    public func list(_ prefix: String) throws(CofferError) -> [String] {
        _ = try requireKeyring()
        do { return try storage.list(prefix: prefix) } catch { throw .storage(error) }
    }

    public func keys(_ prefix: String) throws(CofferError) -> [String] {
        _ = try requireKeyring()
        do { return try storage.keys(prefix: prefix) } catch { throw .storage(error) }
    }

    public func commit(_ operations: [StorageOperation]) throws(CofferError) {
        let physical = try encrypted(operations)
        do { try storage.commit(physical) } catch { throw .storage(error) }
    }

    /// The physical operations for plaintext ones, so callers can commit them together with
    /// entries written outside the barrier (as `sys/init` does).
    public func encrypted(_ operations: [StorageOperation]) throws(CofferError) -> [StorageOperation] {
        let current = try requireKeyring()
        let policy = replicatedWrites.current
        if policy != .allowed, operations.contains(where: { DataClass.of($0.key) == .replicated }) {
            if case .refused(let error) = policy { throw error }
            throw CofferError.mustForward
        }
        var physical: [StorageOperation] = []
        physical.reserveCapacity(operations.count)
        for operation in operations {
            guard !operation.key.hasPrefix(Self.reservedPrefix) else {
                throw CofferError.internalError("barrier refuses a write to a reserved path")
            }
            switch operation {
            case .put(let key, let value):
                physical.append(.put(key: key, value: Self.encrypt(value, path: key, term: current.active)))
            case .delete:
                physical.append(operation)
            }
        }
        return physical
    }

    static func encrypt(_ plaintext: [UInt8], path: String, term: Keyring.Term) -> [UInt8] {
        let header = Self.header(term: term.number)
        var sealed = header
        sealed.append(contentsOf: term.cipher.seal(plaintext, associatedData: header + Array(path.utf8)))
        return sealed
    }

    func decrypt(_ physical: [UInt8], path: String, keyring: Keyring) throws(CofferError) -> [UInt8] {
        guard physical.count > 5, physical[0] == Self.formatVersion else {
            throw CofferError.internalError("barrier entry has an unknown format")
        }
        let number =
            UInt32(physical[1]) << 24 | UInt32(physical[2]) << 16 | UInt32(physical[3]) << 8
            | UInt32(physical[4])
        guard let term = keyring.terms[number] else {
            throw CofferError.internalError("barrier entry uses a keyring term this node does not hold")
        }
        do {
            return try term.cipher.open(physical[5...], associatedData: Array(physical[0..<5]) + Array(path.utf8))
        } catch {
            throw CofferError.internalError("barrier entry failed authentication")
        }
    }

    static func header(term: UInt32) -> [UInt8] {
        [Self.formatVersion, UInt8(term >> 24), UInt8(term >> 16 & 0xFF), UInt8(term >> 8 & 0xFF), UInt8(term & 0xFF)]
    }
}
