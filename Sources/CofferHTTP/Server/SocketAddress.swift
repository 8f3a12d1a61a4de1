import Glibc

/// An IPv4 or IPv6 socket address built from a literal host and a port.
struct SocketAddress {
    private enum Storage {
        case v4(sockaddr_in)
        case v6(sockaddr_in6)
    }

    private var storage: Storage

    /// Parses an IPv4 or IPv6 literal (brackets allowed) or `localhost`; `nil` for anything else.
    init?(host: String, port: Int) {
        var literal = host == "localhost" ? "127.0.0.1" : host
        if literal.hasPrefix("["), literal.hasSuffix("]") { literal = String(literal.dropFirst().dropLast()) }
        var v4 = sockaddr_in()
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET, literal, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            storage = .v4(v4)
        } else if inet_pton(AF_INET6, literal, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            storage = .v6(v6)
        } else {
            return nil
        }
        self.port = port
    }

    /// Reads the address family and port of a `getsockname` result.
    init?(storage raw: sockaddr_storage) {
        var copy = raw
        switch Int32(raw.ss_family) {
        case AF_INET:
            storage = .v4(withUnsafeBytes(of: &copy) { $0.load(as: sockaddr_in.self) })
        case AF_INET6:
            storage = .v6(withUnsafeBytes(of: &copy) { $0.load(as: sockaddr_in6.self) })
        default:
            return nil
        }
    }

    /// `AF_INET` or `AF_INET6`.
    var family: Int32 {
        switch storage {
        case .v4: AF_INET
        case .v6: AF_INET6
        }
    }

    /// The port in host byte order.
    var port: Int {
        get {
            switch storage {
            case .v4(let address): Int(UInt16(bigEndian: address.sin_port))
            case .v6(let address): Int(UInt16(bigEndian: address.sin6_port))
            }
        }
        set {
            let network = UInt16(truncatingIfNeeded: newValue).bigEndian
            switch storage {
            case .v4(var address):
                address.sin_port = network
                storage = .v4(address)
            case .v6(var address):
                address.sin6_port = network
                storage = .v6(address)
            }
        }
    }

    /// Calls `body` with a `sockaddr` pointer and its length, as `bind` and `connect` take them.
    func withSockaddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        switch storage {
        case .v4(var address):
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        case .v6(var address):
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
    }
}
