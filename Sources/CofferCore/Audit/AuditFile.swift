import Glibc
import Synchronization

/// Appends whole lines to an audit log: a file, standard output, or nowhere (`discard`).
///
/// The only file of the audit feature that makes system calls. A file is opened with `O_APPEND`
/// and each line goes out whole under one lock, so lines never interleave within this process; a
/// failed write is reported to the caller (there is no fsync per line). Before each line the file
/// at the path is compared with the open one: when it was removed, replaced (log rotation) or its
/// mode changed, the path is opened again, so an operator who takes the file or its directory away
/// sees the device fail instead of feeding an unlinked file.
final class AuditFile: Sendable {
    /// Where lines go.
    enum Target: Sendable, Equatable {
        case path(String)
        case standardOutput
        case discard
    }

    /// The open file and what the path looked like when it was opened.
    private struct Descriptor {
        let number: Int32
        let device: UInt64
        let inode: UInt64
        let mode: UInt32
    }

    /// Where this file's lines go.
    let target: Target
    /// Permission bits applied on open; 0 leaves the file's mode alone.
    private let mode: UInt32
    private let descriptor = Mutex<Descriptor?>(nil)

    /// A log for `target`, opened on first use (or by `open()`), with `mode` applied when opened.
    init(_ target: Target, mode: UInt32) {
        self.target = target
        self.mode = mode
    }

    deinit {
        descriptor.withLock { open in
            if let open { close(open.number) }
        }
    }

    /// Opens the file now (creating it with the configured mode), so enabling a device that could
    /// never write fails at once.
    func open() throws(AuditError) {
        guard case .path(let path) = target else { return }
        try descriptor.withLock { current throws(AuditError) in
            if let current { close(current.number) }
            current = nil
            current = try Self.open(path, mode: mode, applyMode: true)
        }
    }

    /// Appends `line` (which ends with its newline) in one locked step.
    func append(_ line: [UInt8]) throws(AuditError) {
        try descriptor.withLock { current throws(AuditError) in
            switch target {
            case .discard: return
            case .standardOutput: try Self.write(line, to: 1, name: "stdout")
            case .path(let path): try Self.write(line, to: try currentDescriptor(&current, path: path), name: path)
            }
        }
    }

    /// The descriptor to write to, after opening the path again if the file there is not the one open.
    private func currentDescriptor(_ current: inout Descriptor?, path: String) throws(AuditError) -> Int32 {
        var status = stat()
        let present = stat(path, &status) == 0
        if let open = current {
            let sameFile = present && UInt64(status.st_dev) == open.device && UInt64(status.st_ino) == open.inode
            if sameFile, status.st_mode == open.mode { return open.number }
            close(open.number)
            current = nil
            // A chmod by the operator is a decision to respect, not to undo.
            current = try Self.open(path, mode: mode, applyMode: !sameFile)
            return current!.number
        }
        current = try Self.open(path, mode: mode, applyMode: true)
        return current!.number
    }

    private static func open(_ path: String, mode: UInt32, applyMode: Bool) throws(AuditError) -> Descriptor {
        let creationMode = mode == 0 ? 0o600 : mode
        let number = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, creationMode)
        guard number >= 0 else { throw failure(.open, "opening \(path) for append", errno) }
        if applyMode, mode != 0, fchmod(number, mode) != 0 {
            let code = errno
            close(number)
            throw failure(.open, "setting the mode of \(path)", code)
        }
        var status = stat()
        guard fstat(number, &status) == 0 else {
            let code = errno
            close(number)
            throw failure(.open, "inspecting \(path)", code)
        }
        return Descriptor(
            number: number, device: UInt64(status.st_dev), inode: UInt64(status.st_ino), mode: status.st_mode)
    }

    private static func write(_ line: [UInt8], to number: Int32, name: String) throws(AuditError) {
        let result = line.withUnsafeBytes { buffer -> Int32 in
            var offset = 0
            // Other lines wait for the lock, so a short write is finished here rather than torn.
            while offset < buffer.count {
                let written = Glibc.write(number, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if written == 0 { return EIO }
                offset += written
            }
            return 0
        }
        guard result == 0 else { throw failure(.write, "appending to \(name)", result) }
    }

    private static func failure(_ code: AuditError.Code, _ action: String, _ number: Int32) -> AuditError {
        AuditError(code, "\(action) failed: \(String(cString: strerror(number)))")
    }
}
