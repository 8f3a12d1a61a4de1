import Glibc

/// Reading a whole local file (certificates, custody records, journals) into memory.
public enum FileContents {
    /// The file's bytes; `nil` when it is missing, unreadable or larger than `limit` bytes.
    public static func bytes(atPath path: String, limit: Int = .max) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count < 0 { return nil }
            if count == 0 { return bytes }
            bytes.append(contentsOf: buffer[0..<count])
            if bytes.count > limit { return nil }
        }
    }

    /// The file as UTF-8 text; `nil` as for ``bytes(atPath:limit:)`` or when it is not UTF-8.
    public static func text(atPath path: String, limit: Int = .max) -> String? {
        bytes(atPath: path, limit: limit).flatMap { String(validating: $0, as: UTF8.self) }
    }
}
