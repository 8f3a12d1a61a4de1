import Testing

@testable import CofferCore

struct CIDRBlockTests {
    @Test func ipv4BlocksContainTheirAddressesOnly() throws {
        let block = try #require(CIDRBlock("10.20.0.0/16"))
        #expect(block.contains("10.20.255.1"))
        #expect(!block.contains("10.21.0.1"))
        #expect(block.contains("::ffff:10.20.1.1"), "an IPv4 client seen through a dual-stack socket")
        #expect(!block.contains("not an address"))
        #expect(try #require(CIDRBlock("192.168.1.7")).contains("192.168.1.7"))
        #expect(!(try #require(CIDRBlock("192.168.1.7"))).contains("192.168.1.8"))
        #expect(try #require(CIDRBlock("0.0.0.0/0")).contains("8.8.8.8"))
        #expect(try #require(CIDRBlock("10.0.0.1/8")).contains("10.9.9.9"), "host bits are ignored")
    }

    @Test func ipv6BlocksContainTheirAddressesOnly() throws {
        let block = try #require(CIDRBlock("2001:db8::/32"))
        #expect(block.contains("2001:db8:1::5"))
        #expect(!block.contains("2001:db9::1"))
        #expect(!block.contains("10.0.0.1"))
        #expect(try #require(CIDRBlock("::1/128")).contains("::1"))
    }

    @Test(arguments: ["", "10.0.0.0/33", "10.0.0/8", "10.0.0.0/-1", "::/129", "10.0.0.0/8/8", "host", "10.0.0.0/x"])
    func malformedBlocksAreRejected(text: String) {
        #expect(CIDRBlock(text) == nil)
    }

    @Test func anEmptyListAllowsEveryAddressAndAnUnknownAddressMatchesNoBlock() throws {
        #expect(CIDRBlock.allows(nil, in: []))
        let blocks = [try #require(CIDRBlock("127.0.0.0/8"))]
        #expect(!CIDRBlock.allows(nil, in: blocks))
        #expect(CIDRBlock.allows("127.0.0.1", in: blocks))
    }
}
