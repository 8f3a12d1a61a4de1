/// A value bound to a `$n` parameter of a statement, sent in binary format with an explicit type, so
/// that keys and values never become part of the SQL text.
enum PostgreSQLParameter {
    /// `text`: UTF-8 bytes.
    case text(String)
    /// `bytea`: raw bytes.
    case bytes([UInt8])
    /// `int8`.
    case int64(Int64)
    /// `text[]`, one dimension.
    case textArray([String])
    /// `bytea[]`, one dimension.
    case bytesArray([[UInt8]])

    /// The OID of the parameter's type (`pg_type`), which the server reads it as.
    var typeOID: UInt32 {
        switch self {
        case .text: return 25
        case .bytes: return 17
        case .int64: return 20
        case .textArray: return 1009
        case .bytesArray: return 1001
        }
    }

    /// Appends the binary wire form to `buffer`: the raw bytes of text and bytea, big-endian integers,
    /// and for arrays the header `array_recv` expects followed by length-prefixed elements.
    func encode(into buffer: inout [UInt8]) {
        switch self {
        case .text(let text):
            buffer.append(contentsOf: text.utf8)
        case .bytes(let bytes):
            buffer.append(contentsOf: bytes)
        case .int64(let value):
            Self.append(UInt64(bitPattern: value), byteCount: 8, to: &buffer)
        case .textArray(let elements):
            Self.appendArray(elements.map { Array($0.utf8) }, elementOID: 25, to: &buffer)
        case .bytesArray(let elements):
            Self.appendArray(elements, elementOID: 17, to: &buffer)
        }
    }

    private static func appendArray(_ elements: [[UInt8]], elementOID: UInt32, to buffer: inout [UInt8]) {
        // Dimensions, has-null flag, element type; then length and lower bound of the one dimension.
        append(elements.isEmpty ? 0 : 1, byteCount: 4, to: &buffer)
        append(0, byteCount: 4, to: &buffer)
        append(UInt64(elementOID), byteCount: 4, to: &buffer)
        guard !elements.isEmpty else { return }
        append(UInt64(elements.count), byteCount: 4, to: &buffer)
        append(1, byteCount: 4, to: &buffer)
        for element in elements {
            append(UInt64(element.count), byteCount: 4, to: &buffer)
            buffer.append(contentsOf: element)
        }
    }

    private static func append(_ value: UInt64, byteCount: Int, to buffer: inout [UInt8]) {
        for shift in stride(from: (byteCount - 1) * 8, through: 0, by: -8) {
            buffer.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }
}
