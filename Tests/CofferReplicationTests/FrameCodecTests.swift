import Testing

@testable import CofferReplication

struct FrameCodecTests {
    @Test func encodingWritesLengthTypeVersionAndPayload() throws {
        let bytes = try FrameCodec().encode(Frame(type: 0x21, version: 3, payload: [0xAA, 0xBB]))
        #expect(bytes == [0, 0, 0, 4, 0x21, 3, 0xAA, 0xBB])
    }

    @Test func severalFramesDecodeBackInOrder() throws {
        let codec = FrameCodec()
        let frames = [Frame(type: 1), Frame(type: 2, version: 7, payload: Array("abc".utf8)), Frame(type: 255)]
        let bytes = try codec.encode(frames)
        var decoded: [Frame] = []
        var offset = 0
        while let (frame, next) = try codec.decode(bytes, from: offset) {
            decoded.append(frame)
            offset = next
        }
        #expect(decoded == frames)
        #expect(offset == bytes.count)
    }

    @Test func incompleteInputDecodesToNothingYet() throws {
        let bytes = try FrameCodec().encode(Frame(type: 1, payload: [1, 2, 3]))
        for length in 0..<bytes.count {
            #expect(try FrameCodec().decode(Array(bytes[..<length])) == nil)
        }
    }

    @Test func oversizedAnnouncementIsRefusedFromTheLengthAlone() {
        let codec = FrameCodec(maximumFrameSize: 1_000)
        #expect(throws: FrameError(.frameTooLarge, "a frame of 1001 bytes exceeds the maximum of 1000")) {
            try codec.decode([0, 0, 0x03, 0xE9])
        }
    }

    @Test func lengthTooShortForTypeAndVersionIsMalformed() {
        #expect(throws: FrameError.self) { try FrameCodec().decode([0, 0, 0, 1, 9]) }
        do {
            _ = try FrameCodec().decode([0, 0, 0, 1, 9])
        } catch {
            #expect(error.code == .malformed)
        }
    }

    @Test func encodingAboveTheMaximumFails() {
        let codec = FrameCodec(maximumFrameSize: 10)
        #expect(throws: FrameError.self) { try codec.encode(Frame(type: 1, payload: [UInt8](repeating: 0, count: 9))) }
        #expect((try? codec.encode(Frame(type: 1, payload: [UInt8](repeating: 0, count: 8))))?.count == 14)
    }

    @Test func defaultMaximumIs64MiB() {
        #expect(FrameCodec().maximumFrameSize == 64 * 1024 * 1024)
    }
}
