import Glibc

/// The single funnel from `errno` to ``TransportError`` for socket and thread calls.
enum SystemFailure {
    /// An error naming `call` and the text of the current `errno`.
    static func error(_ code: TransportError.Code, _ call: String) -> TransportError {
        error(code, call, errno: errno)
    }

    /// An error naming `call` and the text of `number`.
    static func error(_ code: TransportError.Code, _ call: String, errno number: Int32) -> TransportError {
        TransportError(code, "\(call) failed: \(text(number))")
    }

    /// `strerror` text for `number`.
    static func text(_ number: Int32) -> String {
        String(cString: strerror(number))
    }
}
