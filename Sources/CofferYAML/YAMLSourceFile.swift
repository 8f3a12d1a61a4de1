import Glibc

/// Owns a `FILE*` opened for reading and closes it in `deinit`.
final class YAMLSourceFile {
    /// Configuration files are small; anything larger is refused before it is held in memory.
    static let maximumSize = 16 << 20

    private let path: String
    private let handle: UnsafeMutablePointer<FILE>

    /// Opens `path` for reading (`fopen`).
    init(path: String) throws(YAMLError) {
        guard let handle = fopen(path, "rb") else {
            throw Self.error("cannot open file", path: path)
        }
        self.path = path
        self.handle = handle
    }

    deinit {
        fclose(handle)
    }

    /// Reads the whole file (`fread`).
    func readAll() throws(YAMLError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, handle) }
            bytes.append(contentsOf: chunk[..<count])
            guard bytes.count <= Self.maximumSize else {
                throw YAMLError(
                    code: .io, mark: nil, reason: "file is larger than \(Self.maximumSize) bytes", file: path)
            }
            if count < chunk.count {
                if ferror(handle) != 0 { throw Self.error("cannot read file", path: path) }
                return bytes
            }
        }
    }

    private static func error(_ what: String, path: String) -> YAMLError {
        let detail = String(cString: strerror(errno))
        return YAMLError(code: .io, mark: nil, reason: "\(what): \(detail)", file: path)
    }
}
