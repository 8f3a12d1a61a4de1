import Testing

@testable import CofferReplication

struct TransportErrorTests {
    @Test func descriptionNamesDomainCodeAndReason() {
        #expect(TransportError(.frameTooLarge, "too big").description == "transport.frameTooLarge: too big")
        #expect(FrameError(.invalidUTF8, "bad text").description == "frame.invalidUTF8: bad text")
    }

    @Test func identityDescriptionsLeaveThePEMOut() {
        let identity = ClusterTLSIdentity(
            certificateChainPEM: "CERT", privateKeyPEM: "-----BEGIN PRIVATE KEY-----SECRET", trustedCAPEM: "CA")
        #expect(!"\(identity)".contains("SECRET"))
        #expect(!String(reflecting: identity).contains("SECRET"))
    }
}
