/// The ALPN protocol list encoding of RFC 7301: each name prefixed with its one-byte length.
enum ALPNWireFormat {
    /// The offset of the length byte that introduces `name` in a wire-format list, or `nil` when absent
    /// or when the list is malformed before the name is found.
    static func find(_ name: [UInt8], in list: UnsafeBufferPointer<UInt8>) -> Int? {
        var offset = 0
        while offset < list.count {
            let length = Int(list[offset])
            let start = offset + 1
            guard length > 0, start + length <= list.count else { return nil }
            if length == name.count, name.withUnsafeBufferPointer({ list[start..<start + length].elementsEqual($0) }) {
                return offset
            }
            offset = start + length
        }
        return nil
    }
}
