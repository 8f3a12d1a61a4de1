import Glibc

/// An exclusive `flock` on a file, held until `release()` or the process ends: one controller at a
/// time changes a topology.
public final class FileLock: @unchecked Sendable {  // The descriptor is only closed once, by its owner.
    private var descriptor: Int32

    /// Takes the lock without waiting; throws when another process holds it.
    public init(path: String) throws(ControllerError) {
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ControllerError(.state, "cannot open the lock file \(path): \(Files.errorText())")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw ControllerError(
                .state, "another controller is working on this topology (lock \(path) is held); wait for it or stop it")
        }
    }

    /// Releases the lock.
    public func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
