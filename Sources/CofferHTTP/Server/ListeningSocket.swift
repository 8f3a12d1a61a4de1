import Glibc

/// A bound, listening, non-blocking TCP socket, closed on deinit unless libevent has taken it over.
///
/// The server creates these itself rather than letting evhttp bind, so that every worker loop gets its own
/// socket on the same port (SO_REUSEPORT) and the kernel spreads new connections across the loops.
final class ListeningSocket {
    /// The socket, or -1 once ``transfer()`` has handed it on.
    private(set) var descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Hands the descriptor to a new owner (evhttp closes it on free); this object forgets it.
    func transfer() -> Int32 {
        let taken = descriptor
        descriptor = -1
        return taken
    }

    /// Opens `count` sockets on one port; with port 0 the first socket's ephemeral port is reused for the rest.
    static func openGroup(host: String, port: Int, count: Int) throws(HTTPServerError) -> [ListeningSocket] {
        guard var address = SocketAddress(host: host, port: port) else {
            throw HTTPServerError(code: .invalidConfiguration, reason: "host is not an IP literal or localhost")
        }
        var sockets: [ListeningSocket] = []
        for _ in 0..<count {
            let socket = try open(address)
            if address.port == 0 { address.port = try socket.localPort() }
            sockets.append(socket)
        }
        return sockets
    }

    /// The port the socket is bound to, read back with `getsockname`.
    func localPort() throws(HTTPServerError) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard result == 0 else { throw Self.failure("getsockname") }
        return SocketAddress(storage: storage)?.port ?? 0
    }

    private static func open(_ address: SocketAddress) throws(HTTPServerError) -> ListeningSocket {
        let flags = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let descriptor = socket(address.family, flags, 0)
        guard descriptor >= 0 else { throw failure("socket") }
        let socket = ListeningSocket(descriptor: descriptor)
        try socket.enable(SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR")
        try socket.enable(SOL_SOCKET, SO_REUSEPORT, "SO_REUSEPORT")
        // Accepted sockets inherit TCP_NODELAY on Linux, which saves a setsockopt per connection. Without it
        // the separate TLS records for headers and body meet Nagle plus delayed ACK: 40 ms per response.
        try socket.enable(Int32(IPPROTO_TCP), TCP_NODELAY, "TCP_NODELAY")
        let bound = address.withSockaddr { Glibc.bind(descriptor, $0, $1) }
        guard bound == 0 else { throw failure("bind") }
        guard listen(descriptor, 1024) == 0 else { throw failure("listen") }
        return socket
    }

    private func enable(_ level: Int32, _ option: Int32, _ name: String) throws(HTTPServerError) {
        var one: Int32 = 1
        guard setsockopt(descriptor, level, option, &one, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw Self.failure("setsockopt \(name)")
        }
    }

    private static func failure(_ call: String) -> HTTPServerError {
        let code = errno
        return HTTPServerError(code: .bind, reason: "\(call): \(String(cString: strerror(code)))")
    }
}
