import Testing

@testable import CofferReplication

struct FrameBinaryReaderTests {
    private func code(_ bytes: [UInt8], _ read: (inout BinaryReader) throws(FrameError) -> Void) -> FrameError.Code? {
        var reader = BinaryReader(bytes)
        do {
            try read(&reader)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func everyWrittenValueReadsBack() throws {
        var writer = BinaryWriter()
        writer.writeUInt8(200)
        writer.writeUInt16(65_000)
        writer.writeUInt32(4_000_000_000)
        writer.writeUInt64(UInt64.max - 1)
        writer.writeInt64(-1_234_567_890_123)
        writer.writeVarint(1 << 40)
        writer.writeBool(true)
        writer.writeBytes([1, 2, 3])
        writer.writeString("secondary-ü")
        writer.writeBytes([])
        writer.writeString("")

        var reader = BinaryReader(writer.bytes)
        #expect(try reader.readUInt8() == 200)
        #expect(try reader.readUInt16() == 65_000)
        #expect(try reader.readUInt32() == 4_000_000_000)
        #expect(try reader.readUInt64() == UInt64.max - 1)
        #expect(try reader.readInt64() == -1_234_567_890_123)
        #expect(try reader.readVarint() == 1 << 40)
        #expect(try reader.readBool())
        #expect(try reader.readBytes() == [1, 2, 3])
        #expect(try reader.readString() == "secondary-ü")
        #expect(try reader.readBytes() == [])
        #expect(try reader.readString() == "")
        #expect(reader.isAtEnd)
        try reader.finish()
    }

    @Test func truncatedInputIsReported() {
        #expect(code([0, 0, 1]) { reader throws(FrameError) in _ = try reader.readUInt32() } == .truncated)
        #expect(code([]) { reader throws(FrameError) in _ = try reader.readUInt8() } == .truncated)
        #expect(code([0x80, 0x80]) { reader throws(FrameError) in _ = try reader.readVarint() } == .truncated)
        #expect(code([1, 2]) { reader throws(FrameError) in _ = try reader.readRawBytes(count: 3) } == .truncated)
    }

    @Test func lengthPrefixBeyondTheInputIsReported() {
        #expect(
            code([0, 0, 0, 5, 1, 2]) { reader throws(FrameError) in _ = try reader.readBytes() } == .lengthTooLarge)
        #expect(
            code([0xFF, 0xFF, 0xFF, 0xFF]) { reader throws(FrameError) in _ = try reader.readString() }
                == .lengthTooLarge)
    }

    @Test func invalidUTF8IsReported() {
        #expect(
            code([0, 0, 0, 2, 0xC3, 0x28]) { reader throws(FrameError) in _ = try reader.readString() } == .invalidUTF8)
    }

    @Test func malformedValuesAreReported() {
        #expect(code([2]) { reader throws(FrameError) in _ = try reader.readBool() } == .malformed)
        let overflow: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02]
        #expect(code(overflow) { reader throws(FrameError) in _ = try reader.readVarint() } == .malformed)
        #expect(
            code([1, 9]) { reader throws(FrameError) in
                _ = try reader.readUInt8(); try reader.finish()
            } == .malformed)
    }

    @Test func failedReadConsumesNothing() throws {
        var reader = BinaryReader([0, 0, 0, 9, 1])
        #expect(throws: FrameError.self) { try reader.readBytes() }
        #expect(reader.remainingCount == 1)
        #expect(try reader.readUInt8() == 1)
    }
}
