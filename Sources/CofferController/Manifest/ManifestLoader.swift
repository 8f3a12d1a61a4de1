import CofferBase
import CofferYAML

/// Reads and validates a topology manifest (DESIGN.md §7).
///
/// Everything is checked before a manifest is returned, so a command that loads one either has a
/// coherent topology or touches nothing. Each error names the file, line, column and field of the
/// node that is wrong. Unknown fields are refused at every level: a misspelt `bootstap` must not
/// silently mean "no bootstrap node".
public enum ManifestLoader {
    /// The only `apiVersion` this loader reads.
    public static let apiVersion = "coffer/v1"
    /// The only `kind` this loader reads.
    public static let kind = "Topology"

    /// Loads and validates the manifest at `path`; relative paths inside it are kept as written.
    public static func load(path: String) throws(ManifestError) -> Manifest {
        do {
            return try decode(YAMLField.load(contentsOfFile: path))
        } catch {
            throw ManifestError(error, file: path)
        }
    }

    /// Parses and validates manifest text; `file` names it in errors and in `Manifest.file`.
    public static func parse(_ text: String, file: String) throws(ManifestError) -> Manifest {
        do {
            return try decode(YAMLField(node: YAMLParser.parse(text), file: file))
        } catch {
            throw ManifestError(error, file: file)
        }
    }

    /// Decodes and validates an already parsed document.
    static func decode(_ root: YAMLField) throws(YAMLError) -> Manifest {
        let document = try root.object()
        try rejectUnknownKeys(of: document, allowed: ["apiVersion", "kind", "metadata", "spec"])
        try requireExactly(apiVersion, in: document.required("apiVersion"))
        try requireExactly(kind, in: document.required("kind"))

        let metadata = try document.required("metadata").object()
        try rejectUnknownKeys(of: metadata, allowed: ["name"])
        let name = try resourceName(metadata.required("name"))

        let spec = try document.required("spec").object()
        try rejectUnknownKeys(of: spec, allowed: ["reconcile", "trust", "unseal", "clusters"])
        var reconcile = ReconcileSettings()
        if let field = spec.optional("reconcile") { reconcile = try decodeReconcile(field) }
        let trust = try decodeTrust(spec.required("trust"))
        let unseal = try decodeUnseal(spec.required("unseal"))
        let clusters = try decodeClusters(spec.required("clusters"))
        return Manifest(
            name: name, file: root.file ?? "", reconcile: reconcile, trust: trust, unseal: unseal, clusters: clusters)
    }

    private static func decodeReconcile(_ field: YAMLField) throws(YAMLError) -> ReconcileSettings {
        let object = try field.object()
        try rejectUnknownKeys(of: object, allowed: ["interval", "drift", "backoff", "stateDir"])
        var settings = ReconcileSettings()
        if let interval = object.optional("interval") { settings.intervalSeconds = try duration(interval) }
        if let drift = object.optional("drift") { settings.drift = try drift.oneOf(ReconcileSettings.Drift.self) }
        if let backoffField = object.optional("backoff") {
            let backoff = try backoffField.object()
            try rejectUnknownKeys(of: backoff, allowed: ["initial", "max"])
            let initialField = backoff.optional("initial")
            let maxField = backoff.optional("max")
            if let initialField { settings.backoffInitialSeconds = try duration(initialField) }
            if let maxField { settings.backoffMaxSeconds = try duration(maxField) }
            if settings.backoffInitialSeconds > settings.backoffMaxSeconds {
                // Blame the value the user wrote; when only one is written, the other is the default.
                let blamed = initialField ?? maxField ?? backoffField
                throw blamed.error(
                    "initial backoff \(format(settings.backoffInitialSeconds)) is above the maximum "
                        + format(settings.backoffMaxSeconds))
            }
        }
        if let stateDir = object.optional("stateDir") { settings.stateDirectory = try stateDir.nonEmptyString() }
        return settings
    }

    private static func decodeTrust(_ field: YAMLField) throws(YAMLError) -> TrustSettings {
        let object = try field.object()
        try rejectUnknownKeys(of: object, allowed: ["caFile", "certFile", "keyFile"])
        return TrustSettings(
            caFile: try object.required("caFile").nonEmptyString(),
            certificateFile: try object.required("certFile").nonEmptyString(),
            keyFile: try object.required("keyFile").nonEmptyString())
    }

    private static func decodeUnseal(_ field: YAMLField) throws(YAMLError) -> UnsealSettings {
        let object = try field.object()
        try rejectUnknownKeys(of: object, allowed: ["shares", "threshold", "custody"])
        let shares = try object.required("shares").int(in: 1...255)
        let thresholdField = try object.required("threshold")
        let threshold = try thresholdField.int()
        guard threshold >= 1 else { throw thresholdField.error("threshold must be at least 1") }
        guard threshold <= shares else {
            throw thresholdField.error("threshold \(threshold) is above the share count \(shares)")
        }
        // Vault refuses a threshold of 1 for a split key: any single share would be the whole key.
        guard threshold > 1 || shares == 1 else {
            throw thresholdField.error("threshold 1 with \(shares) shares is refused; use at least 2, or 1 share")
        }

        let custody = try object.required("custody").object()
        try rejectUnknownKeys(of: custody, allowed: ["type", "path"])
        switch try custody.required("type").oneOf(CustodyType.self) {
        case .file:
            let path = try custody.required("path").nonEmptyString()
            return UnsealSettings(shares: shares, threshold: threshold, custody: .file(path: path))
        }
    }

    /// The custody kinds the format spells out; the loader maps each to `UnsealSettings.Custody`.
    private enum CustodyType: String, CaseIterable {
        case file
    }

    /// Throws at the first key not in `allowed`, listing the keys that are.
    static func rejectUnknownKeys(of object: YAMLObject, allowed: [String]) throws(YAMLError) {
        guard let entry = object.entries.first(where: { !allowed.contains($0.key) }) else { return }
        throw YAMLError(
            code: .unknownField, mark: entry.keyMark,
            reason: "unknown field; expected one of \(allowed.joined(separator: ", "))", file: entry.value.file,
            field: entry.value.path)
    }

    private static func requireExactly(_ expected: String, in field: YAMLField) throws(YAMLError) {
        guard try field.string() == expected else { throw field.error("expected \(expected)") }
    }

    /// A whole number of seconds of at least one, written as `30s`, `5m`, `1h30m` or plain seconds.
    private static func duration(_ field: YAMLField) throws(YAMLError) -> Double {
        guard let seconds = DurationParser.seconds(try field.string()) else {
            throw field.error("expected a duration such as 30s, 5m or 1h")
        }
        guard seconds >= 1 else { throw field.error("must be at least 1s") }
        return Double(seconds)
    }

    private static func format(_ seconds: Double) -> String {
        "\(Int64(seconds))s"
    }
}
