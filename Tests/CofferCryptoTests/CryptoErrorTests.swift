import CofferCrypto
import Testing

struct CryptoErrorTests {
    @Test func descriptionIsDomainCodeAndReason() {
        let error = CryptoError(.tokenExpired, "the JWT has expired")
        #expect(error.description == "crypto.tokenExpired: the JWT has expired")
    }

    @Test func opensslFailuresCarryNoInputBytes() {
        let secretLooking = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LXNlY3JldC1zZWNyZXQ=\n-----END PRIVATE KEY-----\n"
        let error = #expect(throws: CryptoError.self) { try PrivateKey(pem: secretLooking) }
        #expect(error?.description.contains("c2VjcmV0") == false)
        #expect(error?.description.hasPrefix("crypto.invalidKey: ") == true)
    }
}
