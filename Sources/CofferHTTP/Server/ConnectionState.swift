import CEvent

/// Per-connection bookkeeping a worker keeps from the first received byte until evhttp closes the connection.
///
/// libevent 2.1 parses the request line itself and keeps only an enum for the method: any method it does
/// not know, such as Vault's `LIST`, becomes one opaque "unknown" bit and its name is lost. So the worker
/// reads the method token straight from the connection's input buffer just before evhttp parses the line.
/// evhttp handles one request per connection at a time and consumes exactly that request's bytes before
/// calling back, so between that callback and the next parse the buffer starts at the next request line.
struct ConnectionState {
    /// The longest method token read from the wire; anything longer is not a method this server serves.
    static let maximumMethodLength = 15

    /// Whether the input buffer currently starts at an unparsed request line.
    private(set) var awaitingRequestLine = true
    /// The method token of the request evhttp is parsing now, when it has been seen.
    private(set) var pendingMethod: String?
    /// Peer facts, read on the connection's first request.
    var peer: ConnectionPeer?

    /// Reads the method token from the start of `input` if a request line is due and enough bytes are there.
    mutating func observe(input: OpaquePointer) {
        guard awaitingRequestLine else { return }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.maximumMethodLength + 1) { scratch in
            let copied = evbuffer_copyout(input, scratch.baseAddress, scratch.count)
            guard copied > 0 else { return }
            switch Self.methodToken(UnsafeBufferPointer(rebasing: scratch[..<copied])) {
            case .incomplete:
                return
            case .method(let name):
                pendingMethod = name
            case .invalid:
                pendingMethod = nil
            }
            awaitingRequestLine = false
        }
    }

    /// Hands out the method seen for the request just parsed and starts watching for the next request line.
    mutating func takeMethod(nextInput input: OpaquePointer?) -> String? {
        let method = pendingMethod
        pendingMethod = nil
        awaitingRequestLine = true
        if let input { observe(input: input) }
        return method
    }

    /// The outcome of reading the first bytes of a request line.
    enum Token: Equatable {
        case incomplete
        case method(String)
        case invalid
    }

    /// Reads an RFC 9110 token terminated by a space from the start of `bytes`.
    static func methodToken(_ bytes: UnsafeBufferPointer<UInt8>) -> Token {
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: " ") {
                guard index > 0 else { return .invalid }
                return .method(String(decoding: UnsafeBufferPointer(rebasing: bytes[..<index]), as: UTF8.self))
            }
            guard index < maximumMethodLength, isTokenCharacter(byte) else { return .invalid }
        }
        return .incomplete
    }

    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return tokenPunctuation.contains(byte)
        }
    }

    private static let tokenPunctuation: [UInt8] = Array("!#$%&'*+-.^_`|~".utf8)
}
