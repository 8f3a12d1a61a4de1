/// A scalar resolved to a typed value by the YAML 1.2 core schema.
public enum YAMLScalar: Sendable, Hashable {
    /// `null`, `Null`, `NULL`, `~` or nothing at all.
    case null
    /// `true` or `false` in lower, title or upper case; `yes` and `no` are strings.
    case bool(Bool)
    /// A decimal, `0o` octal or `0x` hexadecimal integer that fits in `Int`.
    case int(Int)
    /// A decimal float, `.inf`, `-.inf` or `.nan`; integers too large for `Int` land here.
    case float(Double)
    /// Any other text, and every quoted or block scalar.
    case string(String)

    private static let tagPrefix = "tag:yaml.org,2002:"

    /// Resolves a scalar from its text, style and explicit tag, if any.
    static func resolve(_ text: String, style: YAMLScalarStyle, tag: String?) -> YAMLScalar {
        guard let tag else {
            return style == .plain ? resolvePlain(text) : .string(text)
        }
        // An explicit core tag forces the type; a value that does not fit it stays text.
        switch tag {
        case tagPrefix + "null": return .null
        case tagPrefix + "bool": return bool(text).map(YAMLScalar.bool) ?? .string(text)
        case tagPrefix + "int": return int(text).map(YAMLScalar.int) ?? .string(text)
        case tagPrefix + "float":
            let value = float(text) ?? int(text).map(Double.init)
            return value.map(YAMLScalar.float) ?? .string(text)
        default: return .string(text)
        }
    }

    private static func resolvePlain(_ text: String) -> YAMLScalar {
        if isNull(text) { return .null }
        if let value = bool(text) { return .bool(value) }
        if let value = int(text) { return .int(value) }
        if isDecimalInteger(text), let value = Double(text) { return .float(value) }
        if let value = float(text) { return .float(value) }
        return .string(text)
    }

    private static func isNull(_ text: String) -> Bool {
        switch text {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    private static func bool(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    private static func int(_ text: String) -> Int? {
        if text.hasPrefix("0x") { return digits(text.dropFirst(2), radix: 16) }
        if text.hasPrefix("0o") { return digits(text.dropFirst(2), radix: 8) }
        guard isDecimalInteger(text) else { return nil }
        return Int(text)
    }

    private static func digits(_ text: Substring, radix: Int) -> Int? {
        // `Int(_:radix:)` accepts a sign, which the core schema does not allow after `0x` or `0o`.
        guard let first = text.utf8.first, first != UInt8(ascii: "+"), first != UInt8(ascii: "-") else { return nil }
        return Int(text, radix: radix)
    }

    private static func isDecimalInteger(_ text: String) -> Bool {
        var rest = text.utf8[...]
        if let first = rest.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") { rest = rest.dropFirst() }
        return !rest.isEmpty && rest.allSatisfy(isDigit)
    }

    private static func float(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        // `Double(_:)` also takes `inf`, `nan` and hex floats, so the core-schema shape is checked first.
        guard isDecimalFloat(Array(text.utf8)) else { return nil }
        return Double(text)
    }

    /// Matches `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
    private static func isDecimalFloat(_ bytes: [UInt8]) -> Bool {
        var index = 0
        func skipDigits() -> Int {
            let start = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            return index - start
        }
        func skipSign() {
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
        }

        skipSign()
        var mantissaDigits = skipDigits()
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            mantissaDigits += skipDigits()
        }
        guard mantissaDigits > 0 else { return false }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            skipSign()
            guard skipDigits() > 0 else { return false }
        }
        return index == bytes.count
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
