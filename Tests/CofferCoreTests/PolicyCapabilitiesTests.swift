import CofferCore
import Testing

@Suite struct PolicyCapabilitiesTests {
    @Test(arguments: ["create", "read", "update", "patch", "delete", "list", "sudo", "deny"])
    func vaultCapabilityNamesRoundTrip(name: String) throws {
        let capability = try #require(Capabilities(name: name))
        #expect(capability.names == [name])
    }

    @Test(arguments: ["root", "Read", "write", "", "subscribe"])
    func otherNamesAreNotCapabilities(name: String) {
        #expect(Capabilities(name: name) == nil)
    }

    @Test func namesAreSortedAndEmptyReadsAsDeny() {
        #expect(Capabilities([.update, .read, .create]).names == ["create", "read", "update"])
        #expect(Capabilities().names == ["deny"])
        #expect(Capabilities([.deny, .read]).names == ["deny"])
    }

    @Test(arguments: [
        (LogicalOperation.read, Capabilities.read), (.create, .create), (.update, .update), (.patch, .patch),
        (.delete, .delete), (.list, .list),
    ])
    func eachOperationNeedsItsCapability(operation: LogicalOperation, capability: Capabilities) {
        #expect(Capabilities(operation) == capability)
        #expect(capability.allows(operation))
        #expect(!Capabilities.all.subtracting(capability).allows(operation))
    }

    @Test func denyAllowsNothingEvenWithOtherBits() {
        #expect(!Capabilities([.deny, .read]).allows(.read))
    }
}
