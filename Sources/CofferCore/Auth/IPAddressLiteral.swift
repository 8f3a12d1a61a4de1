#if canImport(Glibc)
    import Glibc
#endif

/// IP address literals to bytes, the one place the core calls the C library's `inet_pton`.
enum IPAddressLiteral {
    /// The 4 bytes of an IPv4 literal or the 16 of an IPv6 one; `nil` for anything else.
    static func bytes(_ literal: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, literal, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, literal, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}
