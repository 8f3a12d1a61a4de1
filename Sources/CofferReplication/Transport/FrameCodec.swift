/// Turns frames into their wire form and back, refusing frames above a size limit.
public struct FrameCodec: Sendable {
    /// The size limit used when none is given: 64 MiB.
    public static let defaultMaximumFrameSize = 64 * 1024 * 1024

    /// The largest accepted value of the length field, which counts the type, the version and the payload.
    public let maximumFrameSize: Int

    /// A codec refusing frames whose length field would exceed `maximumFrameSize` (at least 2, at most 2³²−1).
    public init(maximumFrameSize: Int = FrameCodec.defaultMaximumFrameSize) {
        self.maximumFrameSize = min(max(maximumFrameSize, 2), Int(UInt32.max))
    }

    /// Appends the wire form of `frame` to `buffer`.
    public func encode(_ frame: Frame, into buffer: inout [UInt8]) throws(FrameError) {
        let length = frame.payload.count + 2
        guard length <= maximumFrameSize else {
            throw FrameError(.frameTooLarge, "a frame of \(length) bytes exceeds the maximum of \(maximumFrameSize)")
        }
        var writer = BinaryWriter()
        writer.writeUInt32(UInt32(length))
        writer.writeUInt8(frame.type)
        writer.writeUInt8(frame.version)
        buffer.append(contentsOf: writer.bytes)
        buffer.append(contentsOf: frame.payload)
    }

    /// The wire form of `frame`.
    public func encode(_ frame: Frame) throws(FrameError) -> [UInt8] {
        try encode([frame])
    }

    /// The wire forms of `frames`, back to back, for a single write.
    public func encode(_ frames: [Frame]) throws(FrameError) -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(frames.reduce(0) { $0 + $1.payload.count + Frame.headerSize })
        for frame in frames {
            try encode(frame, into: &buffer)
        }
        return buffer
    }

    /// Decodes the frame starting at `offset`, or returns `nil` when `bytes` does not yet hold all of it.
    ///
    /// Returns the frame and the offset just past it. The length field is checked before anything else is
    /// read, so an oversized announcement fails even when only its four bytes have arrived.
    public func decode(_ bytes: [UInt8], from offset: Int = 0) throws(FrameError) -> (frame: Frame, nextOffset: Int)? {
        guard bytes.count - offset >= 4 else { return nil }
        var reader = BinaryReader(Array(bytes[offset..<offset + 4]))
        let length = try validatedLength(try reader.readUInt32())
        let end = offset + 4 + length
        guard bytes.count >= end else { return nil }
        let frame = Frame(type: bytes[offset + 4], version: bytes[offset + 5], payload: Array(bytes[offset + 6..<end]))
        return (frame, end)
    }

    /// The announced length as an `Int`, once it is known to hold a type and a version and to fit the limit.
    func validatedLength(_ length: UInt32) throws(FrameError) -> Int {
        guard length >= 2 else {
            throw FrameError(.malformed, "a frame length of \(length) cannot hold a type and a version")
        }
        guard Int(length) <= maximumFrameSize else {
            throw FrameError(.frameTooLarge, "a frame of \(length) bytes exceeds the maximum of \(maximumFrameSize)")
        }
        return Int(length)
    }
}
