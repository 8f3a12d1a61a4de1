import CofferBase
import Glibc

/// The few file operations the controller needs, on POSIX calls: key custody and the journal must
/// control modes, exclusivity and durability, which a higher-level file API would hide.
public enum Files {
    /// The whole file as bytes, or `nil` when it does not exist or cannot be read.
    public static func read(_ path: String) -> [UInt8]? {
        FileContents.bytes(atPath: path)
    }

    /// The file as UTF-8 text, or `nil`.
    public static func readText(_ path: String) -> String? {
        FileContents.text(atPath: path)
    }

    /// Whether anything exists at `path`.
    public static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Creates the directory and its missing parents; the last component gets `mode`, and an
    /// existing directory is narrowed to `mode` when it is wider.
    public static func makeDirectory(_ path: String, mode: mode_t = 0o755) throws(ControllerError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        let parts = path.split(separator: "/")
        for (position, part) in parts.enumerated() {
            prefix += part
            let isLast = position == parts.count - 1
            if mkdir(prefix, isLast ? mode : 0o755) != 0, errno != EEXIST {
                throw ControllerError(.system, "cannot create directory \(prefix): \(errorText())")
            }
            prefix += "/"
        }
        if chmod(path, mode) != 0 {
            throw ControllerError(.system, "cannot set the mode of \(path): \(errorText())")
        }
    }

    /// Writes a new file that must not exist yet (`O_EXCL`), with `mode`, and syncs it and its directory.
    /// Returns `false` when the file already exists.
    @discardableResult
    public static func createExclusive(
        _ path: String, bytes: [UInt8], mode: mode_t = 0o600
    ) throws(ControllerError)
        -> Bool
    {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        if descriptor < 0, errno == EEXIST { return false }
        guard descriptor >= 0 else { throw ControllerError(.system, "cannot create \(path): \(errorText())") }
        defer { close(descriptor) }
        try writeAll(descriptor, bytes, path: path)
        guard fsync(descriptor) == 0 else { throw ControllerError(.system, "cannot sync \(path): \(errorText())") }
        syncDirectory(of: path)
        return true
    }

    /// Replaces the file atomically: a temporary file with `mode` is written, synced and renamed over it.
    public static func replace(_ path: String, bytes: [UInt8], mode: mode_t = 0o600) throws(ControllerError) {
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw ControllerError(.system, "cannot write \(temporary): \(errorText())") }
        do throws(ControllerError) {
            try writeAll(descriptor, bytes, path: temporary)
            guard fsync(descriptor) == 0 else {
                throw ControllerError(.system, "cannot sync \(temporary): \(errorText())")
            }
        } catch {
            close(descriptor)
            throw error
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            throw ControllerError(.system, "cannot rename \(temporary) to \(path): \(errorText())")
        }
        syncDirectory(of: path)
    }

    /// The names in a directory, without `.` and `..`; empty when it does not exist.
    public static func list(_ path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// The permission bits of a file or directory, or `nil`.
    public static func mode(_ path: String) -> mode_t? {
        var information = stat()
        guard stat(path, &information) == 0 else { return nil }
        return information.st_mode & 0o777
    }

    /// The absolute form of `path`, against the working directory.
    public static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX))
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        let directory = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return directory + "/" + (path.hasPrefix("./") ? String(path.dropFirst(2)) : path)
    }

    /// The directory part of a path (`.` when there is none).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], path: String) throws(ControllerError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { throw ControllerError(.system, "cannot write \(path): \(errorText())") }
            offset += written
        }
    }

    private static func syncDirectory(of path: String) {
        let descriptor = open(directory(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    static func errorText() -> String {
        String(cString: strerror(errno))
    }
}
