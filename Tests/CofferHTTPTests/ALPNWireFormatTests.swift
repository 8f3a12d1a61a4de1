import Testing

@testable import CofferHTTP

@Suite struct ALPNWireFormatTests {
    private let offered: [UInt8] = [2] + Array("h2".utf8) + [8] + Array("http/1.1".utf8)

    @Test func findsTheOffsetOfTheLengthByte() {
        offered.withUnsafeBufferPointer { list in
            #expect(ALPNWireFormat.find(Array("h2".utf8), in: list) == 0)
            #expect(ALPNWireFormat.find(Array("http/1.1".utf8), in: list) == 3)
            #expect(ALPNWireFormat.find(Array("coffer-test-v1".utf8), in: list) == nil)
        }
    }

    @Test func truncatedListIsNotReadPastItsEnd() {
        let truncated: [UInt8] = [9] + Array("http/1.1".utf8)
        truncated.withUnsafeBufferPointer { list in
            #expect(ALPNWireFormat.find(Array("http/1.1".utf8), in: list) == nil)
        }
    }
}
