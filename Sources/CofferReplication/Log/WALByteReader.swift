/// A cursor over the bytes of an encoded WAL record that throws, rather than traps, on truncation.
struct WALByteReader {
    private let bytes: [UInt8]
    private var position = 0

    /// A reader at the start of `bytes`.
    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The bytes not read yet.
    var remaining: Int { bytes.count - position }

    /// The next byte.
    mutating func readByte() throws(WALError) -> UInt8 {
        let slice = try take(1)
        return slice[slice.startIndex]
    }

    /// The next `byteCount` bytes as a big-endian unsigned integer.
    mutating func readInteger(byteCount: Int) throws(WALError) -> UInt64 {
        try take(byteCount).reduce(0) { ($0 << 8) | UInt64($1) }
    }

    /// A field written as a 4-byte big-endian length followed by that many bytes.
    mutating func readField() throws(WALError) -> [UInt8] {
        let length = try readInteger(byteCount: 4)
        guard length <= UInt64(remaining) else {
            throw WALError(.corrupt, "a WAL record field runs past the end of the record")
        }
        return Array(try take(Int(length)))
    }

    private mutating func take(_ count: Int) throws(WALError) -> ArraySlice<UInt8> {
        guard count <= remaining else {
            throw WALError(.corrupt, "a WAL record ends early")
        }
        defer { position += count }
        return bytes[position..<position + count]
    }
}
