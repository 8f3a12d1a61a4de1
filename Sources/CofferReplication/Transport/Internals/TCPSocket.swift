import Glibc

/// Owns one non-blocking TCP socket descriptor, closed on deinit.
final class TCPSocket: Sendable {
    /// The descriptor; it stays open (and its number reserved) until this object goes away.
    let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { Glibc.close(descriptor) }

    /// A socket bound to `host`:`port` (0 for an ephemeral port) and listening.
    static func listen(host: String, port: Int) throws(TransportError) -> TCPSocket {
        let addresses = try AddressList(host: host, port: port, passive: true)
        var lastError = TransportError(.io, "no address to listen on")
        let socket = addresses.first { family, address, length -> TCPSocket? in
            do throws(TransportError) {
                let socket = try open(family: family)
                try socket.enable(SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR")
                guard bind(socket.descriptor, address, length) == 0 else { throw SystemFailure.error(.io, "bind") }
                guard Glibc.listen(socket.descriptor, 128) == 0 else { throw SystemFailure.error(.io, "listen") }
                return socket
            } catch {
                lastError = error
                return nil
            }
        }
        guard let socket else { throw lastError }
        return socket
    }

    /// A connection to the first address of `host`:`port` that answers before `deadline`.
    ///
    /// Throws `connect` when every address refused or was unreachable and `timeout` when the deadline passed.
    static func connect(host: String, port: Int, deadline: Deadline) throws(TransportError) -> TCPSocket {
        let addresses = try AddressList(host: host, port: port, passive: false)
        var lastError = TransportError(.connect, "no address for the host")
        let socket = addresses.first { family, address, length -> TCPSocket? in
            do throws(TransportError) {
                let socket = try open(family: family)
                if Glibc.connect(socket.descriptor, address, length) != 0 {
                    guard errno == EINPROGRESS else { throw SystemFailure.error(.connect, "connect") }
                    try socket.wait(forWriting: true, deadline: deadline)
                    try socket.checkPendingError()
                }
                try socket.enableNoDelay()
                return socket
            } catch {
                lastError = error
                return nil
            }
        }
        guard let socket else { throw lastError }
        return socket
    }

    /// The next pending connection, or `nil` when none is waiting (`accept4`).
    func accept() throws(TransportError) -> TCPSocket? {
        // accept4 is a GNU extension Swift's Glibc module does not export, hence accept and fcntl.
        let accepted = Glibc.accept(descriptor, nil, nil)
        guard accepted >= 0 else {
            switch errno {
            case EAGAIN, EWOULDBLOCK, EINTR, ECONNABORTED, EPROTO: return nil
            default: throw SystemFailure.error(.io, "accept")
            }
        }
        let socket = TCPSocket(descriptor: accepted)
        try socket.setDescriptorFlags()
        try socket.enableNoDelay()
        return socket
    }

    /// The local port, read back with `getsockname`.
    func localPort() throws(TransportError) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard status == 0 else { throw SystemFailure.error(.io, "getsockname") }
        let family = Int32(storage.ss_family)
        return withUnsafeBytes(of: storage) { raw in
            switch family {
            case AF_INET: Int(UInt16(bigEndian: raw.loadUnaligned(as: sockaddr_in.self).sin_port))
            case AF_INET6: Int(UInt16(bigEndian: raw.loadUnaligned(as: sockaddr_in6.self).sin6_port))
            default: 0
            }
        }
    }

    /// Blocks until the socket is readable (or writable) or `deadline` passes; `nil` waits without limit.
    ///
    /// Readiness includes errors and hang-ups, which the next read or write then reports.
    func wait(forWriting: Bool = false, deadline: Deadline?) throws(TransportError) {
        var entry = pollfd(fd: descriptor, events: Int16(forWriting ? POLLOUT : POLLIN), revents: 0)
        while true {
            let timeout = deadline.map { Int32($0.remainingMilliseconds) } ?? -1
            let ready = poll(&entry, 1, timeout)
            if ready > 0 { return }
            if ready == 0 { throw TransportError(.timeout, "the deadline passed while waiting on the socket") }
            guard errno == EINTR else { throw SystemFailure.error(.io, "poll") }
        }
    }

    /// Ends both directions (`shutdown`), waking any thread polling this socket; the descriptor stays open.
    func shutdown() {
        _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR))
    }

    private static func open(family: Int32) throws(TransportError) -> TCPSocket {
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let descriptor = socket(family, type, 0)
        guard descriptor >= 0 else { throw SystemFailure.error(.io, "socket") }
        return TCPSocket(descriptor: descriptor)
    }

    private func setDescriptorFlags() throws(TransportError) {
        let statusFlags = fcntl(descriptor, F_GETFL)
        guard statusFlags >= 0, fcntl(descriptor, F_SETFL, statusFlags | O_NONBLOCK) == 0,
            fcntl(descriptor, F_SETFD, FD_CLOEXEC) == 0
        else { throw SystemFailure.error(.io, "fcntl") }
    }

    private func checkPendingError() throws(TransportError) {
        var pending: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &pending, &length) == 0 else {
            throw SystemFailure.error(.connect, "getsockopt SO_ERROR")
        }
        guard pending == 0 else { throw SystemFailure.error(.connect, "connect", errno: pending) }
    }

    /// Small frames go out at once instead of waiting for Nagle's algorithm to batch them.
    private func enableNoDelay() throws(TransportError) {
        try enable(Int32(IPPROTO_TCP), TCP_NODELAY, "TCP_NODELAY")
    }

    private func enable(_ level: Int32, _ option: Int32, _ name: String) throws(TransportError) {
        var one: Int32 = 1
        guard setsockopt(descriptor, level, option, &one, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw SystemFailure.error(.io, "setsockopt \(name)")
        }
    }
}
