import CofferBase

/// Decoding of request targets: `%XX` escapes in paths, plus `+` as space in query strings.
enum PercentDecoding {
    /// Decodes a path; `+` stays a plus sign and malformed escapes are kept literally.
    static func path(_ raw: String) -> String {
        decode(raw.utf8, plusIsSpace: false)
    }

    /// Decodes `a=1&b=x+y` into a dictionary; the last value of a repeated name wins.
    static func query(_ raw: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in raw.utf8.split(separator: UInt8(ascii: "&")) {
            if let equals = pair.firstIndex(of: UInt8(ascii: "=")) {
                let name = decode(pair[..<equals], plusIsSpace: true)
                result[name] = decode(pair[pair.index(after: equals)...], plusIsSpace: true)
            } else {
                result[decode(pair, plusIsSpace: true)] = ""
            }
        }
        return result
    }

    private static func decode(_ bytes: some Collection<UInt8>, plusIsSpace: Bool) -> String {
        let input = Array(bytes)
        guard input.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) else {
            return String(decoding: input, as: UTF8.self)
        }
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "%"), index + 2 < input.count,
                let high = Hex.value(of: input[index + 1]), let low = Hex.value(of: input[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
                continue
            }
            output.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }
}
