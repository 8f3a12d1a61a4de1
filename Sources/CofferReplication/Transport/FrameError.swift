/// Why bytes could not be read or written as a frame or as a frame's payload.
public struct FrameError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The stable kind of failure callers branch on.
    public enum Code: String, Sendable {
        /// The input ended before a value was complete.
        case truncated
        /// A length prefix announced more bytes than the input holds.
        case lengthTooLarge
        /// A string was not valid UTF-8.
        case invalidUTF8
        /// A frame was larger than the codec's maximum frame size.
        case frameTooLarge
        /// A value broke the format in another way: a bad boolean, an overlong varint, trailing bytes.
        case malformed
    }

    /// The kind of failure.
    public let code: Code
    /// A human-readable explanation; it describes the format, never the data.
    public let reason: String

    /// Creates an error of kind `code`.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// `frame.<code>: <reason>`.
    public var description: String { "frame.\(code.rawValue): \(reason)" }
}
