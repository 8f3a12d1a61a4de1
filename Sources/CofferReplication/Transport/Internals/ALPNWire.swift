/// The ALPN protocol list as TLS carries it: each name preceded by a one-byte length.
enum ALPNWire {
    /// The wire list for `names`; each name must be 1 to 255 bytes.
    static func encode(_ names: [String]) throws(TransportError) -> [UInt8] {
        var list: [UInt8] = []
        for name in names {
            let bytes = Array(name.utf8)
            guard (1...255).contains(bytes.count) else {
                throw TransportError(.tls, "an ALPN protocol name must be 1 to 255 bytes")
            }
            list.append(UInt8(bytes.count))
            list.append(contentsOf: bytes)
        }
        return list
    }

    /// The byte ranges of the names in a wire list, or `nil` when the list is malformed.
    static func ranges(in list: UnsafeBufferPointer<UInt8>) -> [Range<Int>]? {
        var ranges: [Range<Int>] = []
        var offset = 0
        while offset < list.count {
            let length = Int(list[offset])
            guard length > 0, offset + 1 + length <= list.count else { return nil }
            ranges.append(offset + 1..<offset + 1 + length)
            offset += 1 + length
        }
        return ranges
    }

    /// The list inside a ClientHello ALPN extension, which adds a two-byte length in front of it.
    static func listInExtension(_ body: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        guard body.count >= 2 else { return nil }
        let length = Int(body[0]) << 8 | Int(body[1])
        guard length == body.count - 2 else { return nil }
        return UnsafeBufferPointer(rebasing: body[2...])
    }
}
