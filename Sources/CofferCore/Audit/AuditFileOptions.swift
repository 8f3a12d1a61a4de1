/// The options of a `file` audit device, parsed from the strings `sys/audit` stores.
struct AuditFileOptions: Sendable, Equatable {
    /// Where lines go: a path, `stdout` or `discard`.
    var target: AuditFile.Target
    /// Write tokens and data in clear instead of hashing them.
    var logRaw = false
    /// Hash token accessors too (Vault's default).
    var hmacAccessor = true
    /// Permission bits for the file; 0 leaves an existing file's mode alone.
    var mode: UInt32 = 0o600
    /// Text written before each JSON line.
    var prefix = ""

    /// The options this device type understands; any other is refused rather than ignored.
    static let known: Set<String> = ["file_path", "log_raw", "hmac_accessor", "mode", "prefix", "format"]

    /// Parses and checks `options`; a 400 names the option at fault (never its value).
    init(_ options: [String: String]) throws(CofferError) {
        if let unknown = options.keys.sorted().first(where: { !Self.known.contains($0) }) {
            throw CofferError.badRequest("unsupported option \"\(unknown)\" for a file audit device")
        }
        guard let path = options["file_path"], !path.isEmpty else {
            throw CofferError.badRequest("file_path is required")
        }
        switch path {
        case "stdout": target = .standardOutput
        case "discard": target = .discard
        default: target = .path(path)
        }
        logRaw = try Self.bool(options, "log_raw") ?? false
        hmacAccessor = try Self.bool(options, "hmac_accessor") ?? true
        if let text = options["mode"] {
            guard !text.isEmpty, text.count <= 4, let bits = UInt32(text, radix: 8), bits <= 0o777 else {
                throw CofferError.badRequest("option \"mode\" must be an octal file mode such as \"0600\"")
            }
            mode = bits
        }
        prefix = options["prefix"] ?? ""
        if let format = options["format"], format != "json" {
            throw CofferError.badRequest("option \"format\": only \"json\" is supported")
        }
    }

    /// A boolean option in Go's `strconv.ParseBool` spellings, as Vault reads them.
    private static func bool(_ options: [String: String], _ name: String) throws(CofferError) -> Bool? {
        guard let text = options[name] else { return nil }
        switch text {
        case "1", "t", "T", "true", "TRUE", "True": return true
        case "0", "f", "F", "false", "FALSE", "False": return false
        default: throw CofferError.badRequest("option \"\(name)\" must be true or false")
        }
    }
}
