import CofferBase
import CofferCrypto
import Synchronization

/// Request ids for response envelopes: unique, UUID-shaped, and cheap.
///
/// They only need to be unique, not unpredictable, so a random per-process prefix and a counter
/// replace a CSPRNG call on every response.
enum RequestID {
    private static let prefix: [UInt8] = SecureRandom.bytes(8)
    private static let counter = Atomic<UInt64>(0)

    /// The next id, e.g. `1f0c9a7e-55d2-4b3a-8000-00000000002a`.
    static func next() -> String {
        let count = counter.add(1, ordering: .relaxed).newValue
        var bytes = prefix
        bytes[6] = 0x40 | (bytes[6] & 0x0F)
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: count >> shift)) }
        bytes[8] = 0x80 | (bytes[8] & 0x3F)
        let hex = Hex.encode(bytes)
        let characters = Array(hex.utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (position, character) in characters.enumerated() {
            if position == 8 || position == 12 || position == 16 || position == 20 { text.append(UInt8(ascii: "-")) }
            text.append(character)
        }
        return String(decoding: text, as: UTF8.self)
    }
}
