import Glibc

/// The TCP addresses a host and port resolve to (`getaddrinfo`), freed with `freeaddrinfo`.
final class AddressList {
    private let head: UnsafeMutablePointer<addrinfo>

    /// Resolves `host` (a name or an IPv4/IPv6 literal) and `port`; `passive` is for addresses to bind.
    init(host: String, port: Int, passive: Bool) throws(TransportError) {
        guard (0...65_535).contains(port) else { throw TransportError(.connect, "port \(port) is out of range") }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0)
        var result: UnsafeMutablePointer<addrinfo>? = nil
        let status = getaddrinfo(host.isEmpty ? nil : host, String(port), &hints, &result)
        guard status == 0, let result else {
            throw TransportError(.connect, "resolving the host failed: \(String(cString: gai_strerror(status)))")
        }
        head = result
    }

    deinit { freeaddrinfo(head) }

    /// Calls `body` with each address in resolver order, until it returns a value.
    func first<Result>(
        where body: (_ family: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Result?
    ) -> Result? {
        var entry: UnsafeMutablePointer<addrinfo>? = head
        while let current = entry {
            if let address = current.pointee.ai_addr,
                let result = body(current.pointee.ai_family, address, current.pointee.ai_addrlen)
            {
                return result
            }
            entry = current.pointee.ai_next
        }
        return nil
    }
}
