import CofferBase

/// Cryptographically strong randomness from OpenSSL's CSPRNG.
///
/// Every function traps if the CSPRNG fails (`RAND_bytes` returning an error): keys, nonces and
/// tokens made without it would be predictable, so there is no safe way to continue.
public enum SecureRandom {
    private static let base62Alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// `count` random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "a byte count cannot be negative")
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            RandomSource.fill(UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }

    /// A random (version 4) UUID in lower-case hex, such as `1b4e28ba-2fa1-41d2-883f-0016d3cca427`.
    public static func uuid() -> String {
        var bytes = bytes(16)
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = Array(Hex.encode(bytes).utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, digit) in hex.enumerated() {
            if index == 8 || index == 12 || index == 16 || index == 20 { text.append(UInt8(ascii: "-")) }
            text.append(digit)
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// `count` characters drawn uniformly from `[0-9A-Za-z]`.
    public static func base62(_ count: Int) -> String {
        precondition(count >= 0, "a character count cannot be negative")
        // 248 is the largest multiple of 62 below 256; larger bytes are dropped so no character is favoured.
        let acceptBelow: UInt8 = 248
        var characters: [UInt8] = []
        characters.reserveCapacity(count)
        while characters.count < count {
            for byte in bytes((count - characters.count) * 5 / 4 + 4) where byte < acceptBelow {
                characters.append(base62Alphabet[Int(byte % 62)])
                if characters.count == count { break }
            }
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// A uniform integer in `0..<bound`, by rejection sampling over 64-bit draws.
    static func uniform(below bound: Int) -> Int {
        precondition(bound > 0, "the bound must be positive")
        let range = UInt64(bound)
        // 2^64 mod range values at the top would make small results more likely; they are drawn again.
        let excess = (UInt64.max % range + 1) % range
        while true {
            var draw: UInt64 = 0
            withUnsafeMutableBytes(of: &draw) { RandomSource.fill($0) }
            if excess == 0 || draw <= UInt64.max - excess { return Int(draw % range) }
        }
    }
}
