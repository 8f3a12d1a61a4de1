import CofferBase

/// Typed access to a request's input fields, with Vault's lenient conversions (`"true"` is a
/// boolean, `"10"` an integer) and a 400 that names the field when a value has the wrong type.
///
/// Error messages name fields and types only, never the values, which may be secrets.
public struct Fields: Sendable {
    public let data: [String: JSON]

    public init(_ data: [String: JSON]) {
        self.data = data
    }

    private func wrongType(_ name: String, _ expected: String) -> CofferError {
        .badRequest("field \"\(name)\": expected \(expected), got \(data[name]?.kindName ?? "nothing")")
    }

    private func present(_ name: String) -> JSON? {
        guard let value = data[name], !value.isNull else { return nil }
        return value
    }

    /// A string field; numbers and booleans are accepted in their text form.
    public func string(_ name: String) throws(CofferError) -> String? {
        guard let value = present(name) else { return nil }
        switch value {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .bool(let flag): return String(flag)
        default: throw wrongType(name, "a string")
        }
    }

    /// A string field that must be present and non-empty.
    public func requiredString(_ name: String) throws(CofferError) -> String {
        guard let text = try string(name), !text.isEmpty else {
            throw .badRequest("missing required field \"\(name)\"")
        }
        return text
    }

    /// A boolean field; `"true"`, `"false"`, `"1"` and `"0"` are accepted too.
    public func bool(_ name: String) throws(CofferError) -> Bool? {
        guard let value = present(name) else { return nil }
        switch value {
        case .bool(let flag): return flag
        case .string(let text):
            switch text.lowercased() {
            case "true", "1", "t": return true
            case "false", "0", "f", "": return false
            default: throw wrongType(name, "a boolean")
            }
        case .int(let number) where number == 0 || number == 1: return number == 1
        default: throw wrongType(name, "a boolean")
        }
    }

    /// An integer field; integral numbers and numeric strings are accepted.
    public func int(_ name: String) throws(CofferError) -> Int64? {
        guard let value = present(name) else { return nil }
        if let number = value.intValue { return number }
        if case .string(let text) = value, let number = Int64(text) { return number }
        throw wrongType(name, "an integer")
    }

    /// A duration in seconds: an integer, or a string such as `"30m"`.
    public func duration(_ name: String) throws(CofferError) -> Int64? {
        guard let value = present(name) else { return nil }
        guard let seconds = DurationParser.seconds(value) else { throw wrongType(name, "a duration") }
        return seconds
    }

    /// A list of strings: a JSON array of strings, or one comma-separated string.
    public func stringList(_ name: String) throws(CofferError) -> [String]? {
        guard let value = present(name) else { return nil }
        switch value {
        case .array(let elements):
            var strings: [String] = []
            for element in elements {
                guard let text = element.stringValue else { throw wrongType(name, "a list of strings") }
                strings.append(text)
            }
            return strings
        case .string(let text):
            return text.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
        default: throw wrongType(name, "a list of strings")
        }
    }

    /// An object field.
    public func object(_ name: String) throws(CofferError) -> [String: JSON]? {
        guard let value = present(name) else { return nil }
        guard let members = value.objectValue else { throw wrongType(name, "an object") }
        return members
    }

    /// An object whose members are all strings (metadata maps).
    public func stringMap(_ name: String) throws(CofferError) -> [String: String]? {
        guard let members = try object(name) else { return nil }
        var map: [String: String] = [:]
        for (key, value) in members {
            guard let text = value.stringValue else { throw wrongType(name, "an object of strings") }
            map[key] = text
        }
        return map
    }
}
