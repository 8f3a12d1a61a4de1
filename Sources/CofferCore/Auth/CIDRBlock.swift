/// An IPv4 or IPv6 network such as `10.0.0.0/8` or `::1/128`, for the bound CIDRs of auth methods.
public struct CIDRBlock: Sendable, Equatable, CustomStringConvertible {
    /// The network address, 4 or 16 bytes, with the host bits cleared.
    let network: [UInt8]
    /// The prefix length in bits.
    let prefixLength: Int
    /// The text as the operator wrote it.
    public let description: String

    /// Parses `address/length`, or a bare address (a single host); `nil` when malformed.
    public init?(_ text: String) {
        let trimmed = text.trimmingWhitespace()
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddressLiteral.bytes(String(parts[0])) else { return nil }
        let bits = address.count * 8
        var length = bits
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), (0...bits).contains(parsed) else { return nil }
            length = parsed
        }
        network = Self.masked(address, length)
        prefixLength = length
        description = trimmed
    }

    /// Whether `address` (an IP literal, as the HTTP layer reports the peer) lies in this block.
    public func contains(_ address: String) -> Bool {
        guard var bytes = IPAddressLiteral.bytes(address) else { return false }
        // An IPv4 client reaching a dual-stack socket appears as ::ffff:a.b.c.d.
        if network.count == 4, bytes.count == 16,
            bytes.prefix(12).elementsEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF])
        {
            bytes = Array(bytes.suffix(4))
        }
        guard bytes.count == network.count else { return false }
        return Self.masked(bytes, prefixLength) == network
    }

    /// Whether `address` lies in any of `blocks`; an empty list binds nothing and allows every address.
    static func allows(_ address: String?, in blocks: [CIDRBlock]) -> Bool {
        guard !blocks.isEmpty else { return true }
        guard let address, !address.isEmpty else { return false }
        return blocks.contains { $0.contains(address) }
    }

    private static func masked(_ bytes: [UInt8], _ length: Int) -> [UInt8] {
        var result = bytes
        for index in result.indices {
            let keep = max(0, min(8, length - index * 8))
            result[index] &= keep == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
        }
        return result
    }
}
