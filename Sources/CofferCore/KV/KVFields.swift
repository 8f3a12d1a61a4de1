import CofferBase

/// Reads the input fields of KV requests with Vault's lenient conversions (`"5"` is an integer,
/// `"true"` a boolean) and answers a 400 that names the field and the kind of value, never the value.
enum KVFields {
    /// The most keys `custom_metadata` may hold, as Vault allows.
    static let customMetadataMaxKeys = 64
    /// The longest `custom_metadata` key, in bytes.
    static let customMetadataMaxKeyBytes = 128
    /// The longest `custom_metadata` value, in bytes.
    static let customMetadataMaxValueBytes = 512

    /// A 400 for a field whose value has the wrong kind; names the kind, not the value.
    static func wrongType(_ name: String, _ expected: String, _ value: JSON) -> CofferError {
        .badRequest("field \"\(name)\": expected \(expected), got \(value.kindName)")
    }

    /// An integer of at least zero.
    static func nonNegativeInt(_ name: String, _ value: JSON) throws(CofferError) -> Int64 {
        let number: Int64?
        if case .string(let text) = value { number = Int64(text) } else { number = value.intValue }
        guard let number, number >= 0 else { throw wrongType(name, "a non-negative integer", value) }
        return number
    }

    /// An optional non-negative integer: absent, `null` and `""` read as `nil`.
    static func optionalNonNegativeInt(_ name: String, _ value: JSON?) throws(CofferError) -> Int64? {
        guard let value, !value.isNull, value != .string("") else { return nil }
        return try nonNegativeInt(name, value)
    }

    /// A boolean; `"true"`/`"false"` and `1`/`0` are accepted as well.
    static func bool(_ name: String, _ value: JSON) throws(CofferError) -> Bool {
        switch value {
        case .bool(let flag): return flag
        case .int(1): return true
        case .int(0): return false
        case .string(let text):
            switch text.lowercased() {
            case "true", "1", "t": return true
            case "false", "0", "f": return false
            default: throw wrongType(name, "a boolean", value)
            }
        default: throw wrongType(name, "a boolean", value)
        }
    }

    /// A duration in whole seconds: a number of seconds or a Go duration string such as `"3h25m19s"`.
    static func duration(_ name: String, _ value: JSON) throws(CofferError) -> Int64 {
        guard let seconds = DurationParser.seconds(value) else { throw wrongType(name, "a duration", value) }
        return seconds
    }

    /// The members as strings, within Vault's limits for custom metadata: at most 64 keys, keys of
    /// 1 to 128 bytes, values of 1 to 512 bytes, printable text only. Numbers and booleans are taken
    /// in their text form, as Vault does.
    static func customMetadata(_ name: String, _ members: [String: JSON]) throws(CofferError) -> [String: String] {
        guard members.count <= customMetadataMaxKeys else {
            throw .badRequest("field \"\(name)\": more than \(customMetadataMaxKeys) keys")
        }
        var map: [String: String] = [:]
        for (key, member) in members {
            let text: String
            switch member {
            case .string(let value): text = value
            case .int(let value): text = String(value)
            case .double(let value): text = String(value)
            case .bool(let value): text = String(value)
            default: throw wrongType(name, "an object of strings", member)
            }
            guard (1...customMetadataMaxKeyBytes).contains(key.utf8.count) else {
                throw .badRequest("field \"\(name)\": keys must be 1 to \(customMetadataMaxKeyBytes) bytes")
            }
            guard (1...customMetadataMaxValueBytes).contains(text.utf8.count) else {
                throw .badRequest("field \"\(name)\": values must be 1 to \(customMetadataMaxValueBytes) bytes")
            }
            guard isPrintable(key), isPrintable(text) else {
                throw .badRequest("field \"\(name)\": keys and values must be printable text")
            }
            map[key] = text
        }
        return map
    }

    /// Whether every character is a letter, mark, number, punctuation, symbol or the ASCII space,
    /// the rule of Go's `unicode.IsPrint` that Vault applies.
    static func isPrintable(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            switch scalar.properties.generalCategory {
            case .spaceSeparator: return scalar == " "
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
                return false
            default: return true
            }
        }
    }

    /// The version numbers of a `versions` field: an array of integers or numeric strings, one
    /// integer, or a comma-separated string. A 400 when absent or empty, as Vault answers.
    static func versions(_ value: JSON?) throws(CofferError) -> [Int64] {
        let elements: [JSON]
        switch value {
        case nil, .null?: elements = []
        case .array(let items)?: elements = items
        case .string(let text)?:
            elements = text.split(separator: ",").map { .string(String($0).trimmingSpaces()) }
        case let single?: elements = [single]
        }
        var numbers: [Int64] = []
        for element in elements {
            numbers.append(try nonNegativeInt("versions", element))
        }
        guard !numbers.isEmpty else { throw .badRequest("No version number provided") }
        return numbers
    }

    /// Seconds in Go's `time.Duration` text form, which Vault returns: `0s`, `45s`, `1m30s`, `3h0m0s`.
    static func goDuration(_ seconds: Int64) -> String {
        let hours = seconds / 3600
        let minutes = seconds % 3600 / 60
        let rest = seconds % 60
        if hours > 0 { return "\(hours)h\(minutes)m\(rest)s" }
        if minutes > 0 { return "\(minutes)m\(rest)s" }
        return "\(rest)s"
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
