import CofferStorage

/// One entry of the replication log: the replicated changes of one committed storage transaction.
///
/// Values are ciphertext from the barrier above the storage; the log carries them as opaque bytes.
///
/// Encoding (all integers big-endian): format version (1 byte), index (8), operation count (4), then
/// per operation a tag (1 byte: 1 put, 2 delete), the key length (4) and UTF-8 key, and for a put the
/// value length (4) and value.
public struct WALRecord: Sendable, Equatable {
    /// The version byte that starts every encoded record.
    public static let formatVersion: UInt8 = 1

    /// The tag of an encoded put.
    static let putTag: UInt8 = 1
    /// The tag of an encoded delete.
    static let deleteTag: UInt8 = 2
    private static let headerSize = 1 + 8 + 4

    /// The position in the log; consecutive from 1 on the primary.
    public let index: UInt64
    /// The replicated writes and deletes of the transaction, in the order they were applied.
    public let operations: [StorageOperation]

    /// The length of `encoded()`, computed once without encoding.
    public let encodedSize: Int

    /// A record at `index` with `operations`.
    public init(index: UInt64, operations: [StorageOperation]) {
        self.index = index
        self.operations = operations
        encodedSize = Self.encodedSize(of: operations)
    }

    private static func encodedSize(of operations: [StorageOperation]) -> Int {
        operations.reduce(headerSize) { size, operation in
            switch operation {
            case .put(let key, let value): return size + 1 + 4 + key.utf8.count + 4 + value.count
            case .delete(let key): return size + 1 + 4 + key.utf8.count
            }
        }
    }

    /// The record in the binary format described on the type.
    public func encoded() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(encodedSize)
        output.append(Self.formatVersion)
        Self.append(index, byteCount: 8, to: &output)
        Self.append(UInt64(operations.count), byteCount: 4, to: &output)
        for operation in operations {
            switch operation {
            case .put(let key, let value):
                output.append(Self.putTag)
                Self.appendField(Array(key.utf8), to: &output)
                Self.appendField(value, to: &output)
            case .delete(let key):
                output.append(Self.deleteTag)
                Self.appendField(Array(key.utf8), to: &output)
            }
        }
        return output
    }

    /// Decodes a record made by `encoded()`.
    ///
    /// - Throws: `corrupt` for an unknown version or tag, a truncated field, a key that is not UTF-8,
    ///   or trailing bytes.
    public static func decode(_ bytes: [UInt8]) throws(WALError) -> WALRecord {
        var reader = WALByteReader(bytes)
        let version = try reader.readByte()
        guard version == formatVersion else {
            throw WALError(.corrupt, "unknown WAL record format version \(version)")
        }
        let index = try reader.readInteger(byteCount: 8)
        let count = try reader.readInteger(byteCount: 4)
        // Every operation takes at least 5 bytes, which bounds the reservation by the input's size.
        guard count <= UInt64(reader.remaining / 5) else {
            throw WALError(.corrupt, "WAL record \(index) claims more operations than its bytes hold")
        }
        var operations: [StorageOperation] = []
        operations.reserveCapacity(Int(count))
        for _ in 0..<count {
            let tag = try reader.readByte()
            guard let key = String(validating: try reader.readField(), as: UTF8.self) else {
                throw WALError(.corrupt, "WAL record \(index) holds a key that is not UTF-8")
            }
            switch tag {
            case putTag: operations.append(.put(key: key, value: try reader.readField()))
            case deleteTag: operations.append(.delete(key: key))
            default: throw WALError(.corrupt, "WAL record \(index) holds unknown operation tag \(tag)")
            }
        }
        guard reader.remaining == 0 else {
            throw WALError(.corrupt, "WAL record \(index) has \(reader.remaining) trailing bytes")
        }
        return WALRecord(index: index, operations: operations)
    }

    private static func append(_ value: UInt64, byteCount: Int, to output: inout [UInt8]) {
        for shift in stride(from: 8 * (byteCount - 1), through: 0, by: -8) {
            output.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    private static func appendField(_ field: [UInt8], to output: inout [UInt8]) {
        // Keys and values come from storage commits, far below 4 GiB; a larger one is a caller bug.
        precondition(field.count <= Int(UInt32.max), "a WAL record field exceeds 4 GiB")
        append(UInt64(field.count), byteCount: 4, to: &output)
        output.append(contentsOf: field)
    }
}
