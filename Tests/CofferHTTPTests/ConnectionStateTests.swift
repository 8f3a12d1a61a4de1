import Testing

@testable import CofferHTTP

@Suite struct ConnectionStateTests {
    private func token(_ text: String) -> ConnectionState.Token {
        Array(text.utf8).withUnsafeBufferPointer { ConnectionState.methodToken($0) }
    }

    @Test func methodEndsAtTheFirstSpace() {
        #expect(token("LIST /v1/secret HTTP/1.1\r\n") == .method("LIST"))
    }

    @Test func partialMethodWaitsForMoreBytes() {
        #expect(token("LI") == .incomplete)
        #expect(token("") == .incomplete)
    }

    @Test(arguments: [" GET /", "GE\rT /", "ABCDEFGHIJKLMNOP /", "GET\u{0}/"])
    func nonTokensAreInvalid(text: String) {
        #expect(token(text) == .invalid)
    }

    @Test func fifteenCharactersIsTheLongestMethod() {
        #expect(token("ABCDEFGHIJKLMNO /") == .method("ABCDEFGHIJKLMNO"))
    }
}
