import Testing

@testable import CofferReplication

struct FrameAssemblerTests {
    /// A byte source for the assembler that hands out at most `chunk` bytes per read.
    private final class Source {
        var bytes: [UInt8]
        var offset = 0
        var chunk: Int
        var reads = 0

        init(_ bytes: [UInt8], chunk: Int) {
            self.bytes = bytes
            self.chunk = chunk
        }

        func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(TransportError) -> Int {
            guard offset < bytes.count else { throw TransportError(.timeout, "no more bytes") }
            let count = min(chunk, buffer.count, bytes.count - offset)
            let start = offset
            bytes.withUnsafeBytes { raw in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[start..<start + count]))
            }
            offset += count
            reads += 1
            return count
        }
    }

    @Test func framesArrivingByteByByteAreReassembled() throws {
        let frames = [Frame(type: 1, payload: Array(0..<200)), Frame(type: 2), Frame(type: 3, payload: [9])]
        let source = Source(try FrameCodec().encode(frames), chunk: 1)
        var assembler = FrameAssembler(codec: FrameCodec())
        var assembled: [Frame] = []
        while assembled.count < frames.count {
            if let frame = try assembler.step(source.fill) { assembled.append(frame) }
        }
        #expect(assembled == frames)
    }

    @Test func partFrameSurvivesATimeoutOfItsReader() throws {
        let frame = Frame(type: 5, payload: Array(0..<100))
        let bytes = try FrameCodec().encode(frame)
        let source = Source(Array(bytes[..<50]), chunk: 64)
        var assembler = FrameAssembler(codec: FrameCodec())
        var timedOut = false
        do {
            while try assembler.step(source.fill) == nil {}
        } catch {
            timedOut = error.code == .timeout
        }
        #expect(timedOut)
        source.bytes = bytes
        var result: Frame?
        while result == nil {
            result = try assembler.step(source.fill)
        }
        #expect(result == frame)
    }

    @Test func oversizedFrameFailsBeforeItsPayloadIsRead() throws {
        let bytes = try FrameCodec().encode(Frame(type: 1, payload: [UInt8](repeating: 7, count: 2_000)))
        let source = Source(bytes, chunk: 4_096)
        var assembler = FrameAssembler(codec: FrameCodec(maximumFrameSize: 1_000))
        var code: TransportError.Code?
        do {
            while try assembler.step(source.fill) == nil {}
        } catch {
            code = error.code
        }
        #expect(code == .frameTooLarge)
        #expect(source.offset == 4)
    }
}
