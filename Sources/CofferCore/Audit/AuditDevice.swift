import CofferBase

/// One enabled audit device: its table entry, options, salt and open log.
///
/// A device whose stored configuration cannot be used (its salt missing, its options unreadable)
/// is still kept, failing every entry with the reason, so the request pipeline fails closed on it
/// rather than skipping it.
final class AuditDevice: Sendable {
    /// The device's entry in the audit table.
    let entry: MountEntry
    private let setup: Result<Setup, AuditError>

    private struct Setup: Sendable {
        let options: AuditFileOptions
        let salt: [UInt8]
        let file: AuditFile
    }

    /// A device ready to write, with its log not yet opened.
    init(entry: MountEntry, options: AuditFileOptions, salt: [UInt8]) {
        self.entry = entry
        setup = .success(Setup(options: options, salt: salt, file: AuditFile(options.target, mode: options.mode)))
    }

    /// A device from the stored table, with the salt stored beside it.
    init(stored entry: MountEntry, salt: [UInt8]?) {
        self.entry = entry
        guard let salt, !salt.isEmpty else {
            setup = .failure(AuditError(.salt, "the salt of audit device \(entry.path) is missing from storage"))
            return
        }
        guard let options = try? AuditFileOptions(entry.options) else {
            setup = .failure(AuditError(.open, "the stored options of audit device \(entry.path) are not valid"))
            return
        }
        setup = .success(Setup(options: options, salt: salt, file: AuditFile(options.target, mode: options.mode)))
    }

    /// The path in `sys/audit`, with its trailing slash.
    var path: String { entry.path }

    /// Opens the log now, to check that it can be written.
    func open() throws(AuditError) {
        try setup.get().file.open()
    }

    /// `hmac-sha256:<hex>` of `text` with this device's salt, as its log shows hashed values.
    func hash(_ text: String) throws(AuditError) -> String {
        AuditLine.hash(text, salt: try setup.get().salt)
    }

    /// Renders one entry with this device's salt and options and appends it to the log.
    func record(
        type: String, time: String, facts: AuditRequestFacts, response: VaultResponse?, error: String?
    ) throws(AuditError) {
        let setup = try setup.get()
        let options = setup.options
        let line = AuditLine.render(
            type: type, time: time, facts: facts, response: response, error: error,
            salt: options.logRaw ? nil : setup.salt, hmacAccessor: options.hmacAccessor, prefix: options.prefix)
        try setup.file.append(line)
    }
}
