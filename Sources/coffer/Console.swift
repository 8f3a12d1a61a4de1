import Glibc

/// Writes the command's own messages; `stderr` the C global is not concurrency-safe in Swift 6.
enum Console {
    /// Writes a line to standard error.
    static func error(_ text: String) {
        write(fd: 2, text + "\n")
    }

    /// Writes a line to standard output.
    static func out(_ text: String) {
        write(fd: 1, text + "\n")
    }

    private static func write(fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written <= 0 { return }
            offset += written
        }
    }
}
