/// Reads the layout ``BinaryWriter`` writes, throwing ``FrameError`` instead of reading past the end.
public struct BinaryReader: Sendable {
    private let bytes: [UInt8]
    private var offset: Int

    /// A reader at the start of `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
    }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { offset == bytes.count }

    /// How many bytes are left.
    public var remainingCount: Int { bytes.count - offset }

    /// Reads one byte.
    public mutating func readUInt8() throws(FrameError) -> UInt8 {
        try need(1, "u8")
        defer { offset += 1 }
        return bytes[offset]
    }

    /// Reads two bytes, most significant first.
    public mutating func readUInt16() throws(FrameError) -> UInt16 {
        UInt16(try readBigEndian(byteCount: 2, "u16"))
    }

    /// Reads four bytes, most significant first.
    public mutating func readUInt32() throws(FrameError) -> UInt32 {
        UInt32(try readBigEndian(byteCount: 4, "u32"))
    }

    /// Reads eight bytes, most significant first.
    public mutating func readUInt64() throws(FrameError) -> UInt64 {
        try readBigEndian(byteCount: 8, "u64")
    }

    /// Reads eight bytes of two's complement, most significant first.
    public mutating func readInt64() throws(FrameError) -> Int64 {
        Int64(bitPattern: try readUInt64())
    }

    /// Reads an unsigned LEB128 varint of at most ten bytes.
    public mutating func readVarint() throws(FrameError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readUInt8()
            // The tenth byte may only carry the single remaining bit of a 64-bit value.
            guard shift < 63 || byte <= 1 else { throw FrameError(.malformed, "a varint overflows 64 bits") }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
    }

    /// Reads one byte that must be `0` or `1`.
    public mutating func readBool() throws(FrameError) -> Bool {
        switch try readUInt8() {
        case 0: return false
        case 1: return true
        case let other: throw FrameError(.malformed, "a boolean byte must be 0 or 1, not \(other)")
        }
    }

    /// Reads a u32 length, then that many bytes.
    public mutating func readBytes() throws(FrameError) -> [UInt8] {
        let length = Int(try readUInt32())
        guard length <= remainingCount else {
            throw FrameError(.lengthTooLarge, "a length prefix of \(length) exceeds the \(remainingCount) bytes left")
        }
        return try readRawBytes(count: length)
    }

    /// Reads a u32 length, then that many bytes of UTF-8.
    public mutating func readString() throws(FrameError) -> String {
        let raw = try readBytes()
        guard let text = String(validating: raw, as: UTF8.self) else {
            throw FrameError(.invalidUTF8, "a string field is not valid UTF-8")
        }
        return text
    }

    /// Reads exactly `count` bytes without a length prefix.
    public mutating func readRawBytes(count: Int) throws(FrameError) -> [UInt8] {
        guard count >= 0 else { throw FrameError(.malformed, "a byte count cannot be negative") }
        try need(count, "\(count) raw bytes")
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// Throws unless every byte has been read, so that trailing garbage is not silently ignored.
    public func finish() throws(FrameError) {
        guard isAtEnd else { throw FrameError(.malformed, "\(remainingCount) unexpected bytes follow the message") }
    }

    private mutating func readBigEndian(byteCount: Int, _ what: String) throws(FrameError) -> UInt64 {
        try need(byteCount, what)
        var value: UInt64 = 0
        for index in offset..<offset + byteCount {
            value = value << 8 | UInt64(bytes[index])
        }
        offset += byteCount
        return value
    }

    private func need(_ count: Int, _ what: String) throws(FrameError) {
        guard count <= remainingCount else {
            throw FrameError(.truncated, "reading \(what) needs \(count) bytes, \(remainingCount) are left")
        }
    }
}
