/// Collects one frame at a time from a byte stream that arrives in pieces of any size.
///
/// Reads go straight into the header or the payload buffer and never past the end of the current frame, so
/// no bytes of the next frame have to be kept aside. A partly read frame survives a timeout of its reader.
struct FrameAssembler {
    private let codec: FrameCodec
    private var header = [UInt8](repeating: 0, count: Frame.headerSize)
    private var headerFilled = 0
    private var payload: [UInt8] = []
    private var payloadFilled = 0

    /// An assembler that refuses frames above `codec`'s maximum.
    init(codec: FrameCodec) {
        self.codec = codec
    }

    /// Asks `fill` for the next bytes of the current frame and returns the frame once it is complete.
    ///
    /// `fill` writes at most the buffer's count of bytes into it and returns how many it wrote (at least one);
    /// it throws when the stream fails. Frame format failures become `protocolViolation` or `frameTooLarge`.
    mutating func step(
        _ fill: (UnsafeMutableRawBufferPointer) throws(TransportError) -> Int
    ) throws(TransportError) -> Frame? {
        if headerFilled < Frame.headerSize {
            // The length field alone comes first, so that it is checked before the type and version are read.
            let end = headerFilled < 4 ? 4 : Frame.headerSize
            let count = try header.withUnsafeMutableBytes { buffer in
                Result { () throws(TransportError) in
                    try fill(UnsafeMutableRawBufferPointer(rebasing: buffer[headerFilled..<end]))
                }
            }.get()
            headerFilled += count
            if headerFilled == 4 {
                try startPayload()
            }
            return headerFilled == Frame.headerSize && payload.isEmpty ? finish() : nil
        }
        let count = try payload.withUnsafeMutableBytes { buffer in
            Result { () throws(TransportError) in
                try fill(UnsafeMutableRawBufferPointer(rebasing: buffer[payloadFilled...]))
            }
        }.get()
        payloadFilled += count
        return payloadFilled == payload.count ? finish() : nil
    }

    private mutating func startPayload() throws(TransportError) {
        let announced = UInt32(header[0]) << 24 | UInt32(header[1]) << 16 | UInt32(header[2]) << 8 | UInt32(header[3])
        do throws(FrameError) {
            let length = try codec.validatedLength(announced)
            payload = [UInt8](repeating: 0, count: length - 2)
        } catch {
            throw TransportError(error.code == .frameTooLarge ? .frameTooLarge : .protocolViolation, error.reason)
        }
    }

    private mutating func finish() -> Frame {
        let frame = Frame(type: header[4], version: header[5], payload: payload)
        headerFilled = 0
        payload = []
        payloadFilled = 0
        return frame
    }
}
