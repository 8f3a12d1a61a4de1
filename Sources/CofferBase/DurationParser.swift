/// Parses Vault's duration values: an integer number of seconds, or a Go-style string such as
/// `"30m"`, `"1h30m"`, `"768h"`, `"45s"` or `"300"`.
public enum DurationParser {
    /// Seconds, or `nil` when the value is neither a non-negative integer nor a duration string.
    public static func seconds(_ value: JSON) -> Int64? {
        switch value {
        case .int(let number): return number >= 0 ? number : nil
        case .double(let number):
            guard number >= 0, number.rounded() == number else { return nil }
            return Int64(number)
        case .string(let text): return seconds(text)
        default: return nil
        }
    }

    /// Seconds from a duration string; `nil` when malformed.
    public static func seconds(_ text: String) -> Int64? {
        if text.isEmpty { return nil }
        if let plain = Int64(text) { return plain >= 0 ? plain : nil }
        var total: Double = 0
        var number = ""
        var characters = Array(text)
        characters.append(" ")
        var index = 0
        while index < characters.count - 1 {
            let character = characters[index]
            if character.isNumber || character == "." {
                number.append(character)
                index += 1
                continue
            }
            guard let amount = Double(number) else { return nil }
            number = ""
            let unit: Double
            switch character {
            case "h": unit = 3600
            case "s": unit = 1
            case "d": unit = 86400
            case "m" where characters[index + 1] == "s":
                unit = 0.001
                index += 1
            case "m": unit = 60
            default: return nil
            }
            total += amount * unit
            index += 1
        }
        guard number.isEmpty, total.isFinite, total < 1e15 else { return nil }
        return Int64(total)
    }
}
