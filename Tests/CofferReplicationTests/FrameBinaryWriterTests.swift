import Testing

@testable import CofferReplication

struct FrameBinaryWriterTests {
    @Test func integersAreBigEndian() {
        var writer = BinaryWriter()
        writer.writeUInt8(0x01)
        writer.writeUInt16(0x0203)
        writer.writeUInt32(0x0405_0607)
        writer.writeUInt64(0x0809_0A0B_0C0D_0E0F)
        writer.writeInt64(-2)
        #expect(
            writer.bytes == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
                + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE])
    }

    @Test func bytesAndStringsCarryAU32Length() {
        var writer = BinaryWriter()
        writer.writeBytes([0xAA])
        writer.writeString("é")
        writer.writeBool(true)
        writer.writeBool(false)
        writer.writeRawBytes([7, 8])
        #expect(writer.bytes == [0, 0, 0, 1, 0xAA, 0, 0, 0, 2, 0xC3, 0xA9, 1, 0, 7, 8])
    }

    private static let varints: [(UInt64, [UInt8])] = [
        (0, [0]),
        (127, [0x7F]),
        (128, [0x80, 0x01]),
        (300, [0xAC, 0x02]),
        (UInt64.max, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
    ]

    @Test(arguments: varints)
    func varintsUseSevenBitGroupsLeastSignificantFirst(value: UInt64, encoded: [UInt8]) throws {
        var writer = BinaryWriter()
        writer.writeVarint(value)
        #expect(writer.bytes == encoded)
        var reader = BinaryReader(encoded)
        #expect(try reader.readVarint() == value)
        #expect(reader.isAtEnd)
    }
}
