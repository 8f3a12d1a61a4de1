/// Builds a frame payload from big-endian integers, varints, booleans and length-prefixed bytes and strings.
///
/// ``BinaryReader`` reads the same layout back.
public struct BinaryWriter: Sendable {
    /// Everything written so far.
    public private(set) var bytes: [UInt8]

    /// An empty writer, optionally with room reserved for `capacity` bytes.
    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends one byte.
    public mutating func writeUInt8(_ value: UInt8) {
        bytes.append(value)
    }

    /// Appends two bytes, most significant first.
    public mutating func writeUInt16(_ value: UInt16) {
        appendBigEndian(UInt64(value), byteCount: 2)
    }

    /// Appends four bytes, most significant first.
    public mutating func writeUInt32(_ value: UInt32) {
        appendBigEndian(UInt64(value), byteCount: 4)
    }

    /// Appends eight bytes, most significant first.
    public mutating func writeUInt64(_ value: UInt64) {
        appendBigEndian(value, byteCount: 8)
    }

    /// Appends a signed value as eight bytes of two's complement, most significant first.
    public mutating func writeInt64(_ value: Int64) {
        writeUInt64(UInt64(bitPattern: value))
    }

    /// Appends an unsigned LEB128 varint: seven bits per byte, least significant group first.
    public mutating func writeVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// Appends `1` for true and `0` for false.
    public mutating func writeBool(_ value: Bool) {
        bytes.append(value ? 1 : 0)
    }

    /// Appends a u32 length, then the bytes.
    ///
    /// Payloads are bounded by the frame size limit, far below 4 GiB; a longer value is a programming error.
    public mutating func writeBytes(_ value: some Collection<UInt8>) {
        precondition(value.count <= Int(UInt32.max), "a length-prefixed value must be shorter than 4 GiB")
        writeUInt32(UInt32(value.count))
        bytes.append(contentsOf: value)
    }

    /// Appends a u32 length, then the string's UTF-8 bytes.
    public mutating func writeString(_ value: String) {
        writeBytes(Array(value.utf8))
    }

    /// Appends bytes as they are, without a length; the reader must know the count.
    public mutating func writeRawBytes(_ value: some Collection<UInt8>) {
        bytes.append(contentsOf: value)
    }

    private mutating func appendBigEndian(_ value: UInt64, byteCount: Int) {
        for index in stride(from: byteCount - 1, through: 0, by: -1) {
            bytes.append(UInt8(truncatingIfNeeded: value >> (UInt64(index) * 8)))
        }
    }
}
