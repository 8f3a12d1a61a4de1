import CofferBase
import CofferCrypto
import Synchronization

/// The audit table (`sys/audit`) and the devices it names, open for writing.
///
/// The table is a mount table of its own kind: replicated devices at `sys/audit-table`, local ones
/// below `local/`, each device's salt at `audit/<uuid>/salt` (or below `local/`) written in the
/// same batch as the entry, so a secondary receives a device and its salt together. Readers take
/// the current device snapshot; changes commit first, then swap it in.
final class AuditRegistry: Sendable {
    /// The stored table.
    let stored: MountRegistry
    private let store: any EntryStore
    private let active: ReadWriteLock<[AuditDevice]>
    private let changeLock = Mutex<Void>(())

    /// The device types this server can enable.
    static let types: Set<String> = ["file"]

    /// Loads the table and builds its devices; their logs open on first use, so a standby never
    /// opens them.
    init(store: any EntryStore) throws(CofferError) {
        self.store = store
        let stored = try MountRegistry(store: store, kind: .audit)
        self.stored = stored
        active = ReadWriteLock(try Self.devices(stored.table, store: store, reusing: []))
    }

    /// The enabled devices, ordered by path.
    var devices: [AuditDevice] { active.current }

    /// The device at `path` (with its trailing slash).
    func device(at path: String) -> AuditDevice? {
        devices.first { $0.path == path }
    }

    /// Enables a device after checking that its log can be opened for append; on any failure
    /// nothing is stored.
    func enable(_ entry: MountEntry) throws(CofferError) {
        guard Self.types.contains(entry.type) else {
            throw CofferError.badRequest("unknown backend type: \"\(entry.type)\"")
        }
        let salt = SecureRandom.bytes(32)
        let device = AuditDevice(entry: entry, options: try AuditFileOptions(entry.options), salt: salt)
        try changeLock.withLock { _ throws(CofferError) in
            if let existing = stored.table.conflict(with: entry.path) {
                throw CofferError.badRequest("path already in use at \(existing)")
            }
            do throws(AuditError) { try device.open() } catch {
                throw CofferError.badRequest("the audit device could not be enabled: \(error.reason)")
            }
            let saltEntry = StorageView(store: store, prefix: entry.dataPrefix).absolute(.put(key: "salt", value: salt))
            try stored.enable(entry, initialOperations: [saltEntry])
            active.write { devices in
                devices.append(device)
                devices.sort { $0.path < $1.path }
            }
        }
    }

    /// Disables the device at `path` and deletes its salt; `nil` when there was none.
    func disable(path: String) throws(CofferError) -> MountEntry? {
        try changeLock.withLock { _ throws(CofferError) -> MountEntry? in
            guard let entry = stored.table.entries[path] else { return nil }
            try stored.disable(path: path)
            active.write { $0.removeAll { $0.path == path } }
            return entry
        }
    }

    /// Re-reads the table after replication changed it; devices that stayed keep their open log.
    func reload() throws(CofferError) {
        try changeLock.withLock { _ throws(CofferError) in
            try stored.reload()
            let fresh = try Self.devices(stored.table, store: store, reusing: active.current)
            active.write { $0 = fresh }
        }
    }

    private static func devices(
        _ table: MountTable, store: any EntryStore, reusing current: [AuditDevice]
    ) throws(CofferError) -> [AuditDevice] {
        var devices: [AuditDevice] = []
        for entry in table.entries.values.sorted(by: { $0.path < $1.path }) {
            if let kept = current.first(where: { $0.entry == entry }) {
                devices.append(kept)
                continue
            }
            let salt = try store.get(entry.dataPrefix + "salt")
            devices.append(AuditDevice(stored: entry, salt: salt))
        }
        return devices
    }
}
