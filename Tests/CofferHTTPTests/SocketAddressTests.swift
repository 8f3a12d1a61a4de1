import Glibc
import Testing

@testable import CofferHTTP

@Suite struct SocketAddressTests {
    @Test(arguments: [("127.0.0.1", AF_INET), ("localhost", AF_INET), ("::1", AF_INET6), ("[::1]", AF_INET6)])
    func literalsParseToTheirFamily(host: String, family: Int32) {
        #expect(SocketAddress(host: host, port: 8200)?.family == family)
        #expect(SocketAddress(host: host, port: 8200)?.port == 8200)
    }

    @Test(arguments: ["example.com", "", "300.1.1.1", "[::1"])
    func namesAndMalformedLiteralsAreRejected(host: String) {
        #expect(SocketAddress(host: host, port: 80) == nil)
    }
}
