import CofferBase
import CofferCrypto

/// Renders one audit entry as a JSON line in Vault's shape, hashing what must not appear in clear.
///
/// Members are written straight into one buffer in Vault's order (no tree of dictionaries per
/// entry). With a salt, tokens, every string of request and response `data`, and (unless
/// `hmacAccessor` is off) accessors become `hmac-sha256:<hex>`; without one (`log_raw`) they are
/// written as they are.
struct AuditLine {
    /// The line so far.
    private(set) var bytes: [UInt8] = []
    /// Whether the object being written has no member yet.
    private var empty = true
    private let salt: [UInt8]?
    private let hmacAccessor: Bool

    /// An empty line starting with `prefix`; `salt` is `nil` for a device that logs raw.
    init(salt: [UInt8]?, hmacAccessor: Bool, prefix: String) {
        self.salt = salt
        self.hmacAccessor = hmacAccessor
        bytes.reserveCapacity(1024)
        bytes.append(contentsOf: prefix.utf8)
    }

    /// `hmac-sha256:<hex>` of `text` under `salt`, Vault's form of a hashed value.
    static func hash(_ text: String, salt: [UInt8]) -> String {
        "hmac-sha256:" + Hex.encode(HMACSHA256.authenticate(Array(text.utf8), key: salt))
    }

    /// The finished entry: `{"time", "type", "auth", "request", "response"?, "error"?}` and a newline.
    static func render(
        type: String, time: String, facts: AuditRequestFacts, response: VaultResponse?, error: String?,
        salt: [UInt8]?, hmacAccessor: Bool, prefix: String
    ) -> [UInt8] {
        var line = AuditLine(salt: salt, hmacAccessor: hmacAccessor, prefix: prefix)
        line.open()
        line.member("time", .string(time))
        line.member("type", .string(type))
        line.key("auth")
        line.auth(facts)
        line.key("request")
        line.request(facts)
        if let response {
            line.key("response")
            line.response(response, facts)
        }
        if let error { line.member("error", .string(error)) }
        line.close()
        line.bytes.append(0x0A)
        return line.bytes
    }

    // MARK: Sections

    private mutating func auth(_ facts: AuditRequestFacts) {
        open()
        if !facts.clientToken.isEmpty { secret("client_token", facts.clientToken) }
        guard let caller = facts.caller else {
            member("token_type", "default")
            close()
            return
        }
        accessor("accessor", caller.accessor)
        member("display_name", .string(caller.displayName))
        member("policies", .strings(caller.policies))
        member("token_policies", .strings(caller.policies))
        if !caller.meta.isEmpty { member("metadata", .object(caller.meta.mapValues(JSON.string))) }
        member("entity_id", "")
        member("token_type", "service")
        member("token_ttl", .int(caller.ttl))
        member("token_issue_time", .string(Clock.rfc3339(Timestamp(seconds: caller.creationTime), fractionalDigits: 0)))
        if caller.numUses > 0 { member("remaining_uses", .int(caller.numUses)) }
        close()
    }

    private mutating func request(_ facts: AuditRequestFacts) {
        open()
        member("id", .string(facts.id))
        member("operation", .string(facts.operation))
        mount(facts)
        if !facts.clientToken.isEmpty { secret("client_token", facts.clientToken) }
        if let caller = facts.caller, !caller.accessor.isEmpty { accessor("client_token_accessor", caller.accessor) }
        member("namespace", ["id": "root"])
        member("path", .string(facts.path))
        if let data = facts.data, !data.isEmpty {
            key("data")
            hashed(.object(data))
        }
        if let address = facts.remoteAddress { member("remote_address", .string(address)) }
        if facts.wrapTTL > 0 { member("wrap_ttl", .int(facts.wrapTTL)) }
        close()
    }

    private mutating func response(_ response: VaultResponse, _ facts: AuditRequestFacts) {
        open()
        mount(facts)
        if let body = response.body {
            if let auth = body["auth"]?.objectValue { responseAuth(auth) }
            if let lease = body["lease_id"]?.stringValue, !lease.isEmpty {
                member("secret", ["lease_id": .string(lease)])
            }
            if let data = body["data"], !data.isNull {
                key("data")
                hashed(data)
            }
            if let warnings = body["warnings"], warnings.arrayValue?.isEmpty == false { member("warnings", warnings) }
            if let wrapInfo = body["wrap_info"]?.objectValue { self.wrapInfo(wrapInfo) }
        }
        close()
    }

    private mutating func mount(_ facts: AuditRequestFacts) {
        if !facts.mountPoint.isEmpty { member("mount_point", .string(facts.mountPoint)) }
        if !facts.mountType.isEmpty { member("mount_type", .string(facts.mountType)) }
        if !facts.mountAccessor.isEmpty { member("mount_accessor", .string(facts.mountAccessor)) }
    }

    /// The token a response issued, in the shape of the entry's own `auth`.
    private mutating func responseAuth(_ auth: [String: JSON]) {
        key("auth")
        open()
        if let token = auth["client_token"]?.stringValue, !token.isEmpty { secret("client_token", token) }
        if let accessor = auth["accessor"]?.stringValue, !accessor.isEmpty { self.accessor("accessor", accessor) }
        for name in ["policies", "token_policies", "metadata"] {
            if let value = auth[name], !value.isNull { member(name, value) }
        }
        member("entity_id", auth["entity_id"] ?? "")
        member("token_type", auth["token_type"] ?? "service")
        if let ttl = auth["lease_duration"] { member("token_ttl", ttl) }
        if let uses = auth["num_uses"]?.intValue, uses > 0 { member("num_uses", .int(uses)) }
        close()
    }

    private mutating func wrapInfo(_ info: [String: JSON]) {
        key("wrap_info")
        open()
        for name in ["ttl", "creation_time", "creation_path"] {
            if let value = info[name] { member(name, value) }
        }
        if let token = info["token"]?.stringValue { secret("token", token) }
        if let accessor = info["accessor"]?.stringValue { self.accessor("accessor", accessor) }
        if let wrapped = info["wrapped_accessor"]?.stringValue, !wrapped.isEmpty {
            self.accessor("wrapped_accessor", wrapped)
        }
        close()
    }

    // MARK: Writing

    private mutating func open() {
        bytes.append(UInt8(ascii: "{"))
        empty = true
    }

    private mutating func close() {
        bytes.append(UInt8(ascii: "}"))
        empty = false
    }

    /// Starts a member: the separator, the name and the colon.
    private mutating func key(_ name: String) {
        if !empty { bytes.append(UInt8(ascii: ",")) }
        empty = false
        JSON.string(name).write(to: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }

    private mutating func member(_ name: String, _ value: JSON) {
        key(name)
        value.write(to: &bytes)
    }

    /// A token or other secret string: hashed unless the device logs raw.
    private mutating func secret(_ name: String, _ value: String) {
        member(name, .string(salt.map { Self.hash(value, salt: $0) } ?? value))
    }

    /// An accessor: hashed unless the device logs raw or keeps accessors in clear.
    private mutating func accessor(_ name: String, _ value: String) {
        guard hmacAccessor, let salt, !value.isEmpty else { return member(name, .string(value)) }
        member(name, .string(Self.hash(value, salt: salt)))
    }

    /// `value` with every string in it hashed (object keys stay readable, as in Vault).
    private mutating func hashed(_ value: JSON) {
        guard let salt else { return value.write(to: &bytes) }
        switch value {
        case .string(let text):
            JSON.string(Self.hash(text, salt: salt)).write(to: &bytes)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                hashed(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (position, name) in members.keys.sorted().enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                JSON.string(name).write(to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                hashed(members[name]!)
            }
            bytes.append(UInt8(ascii: "}"))
        default:
            value.write(to: &bytes)
        }
    }
}
