import Testing

@testable import CofferHTTP

@Suite struct PercentDecodingTests {
    @Test func pathDecodesEscapesButKeepsPlus() {
        #expect(PercentDecoding.path("/v1/secret/data/a%20b+c%2Fd") == "/v1/secret/data/a b+c/d")
    }

    @Test func malformedEscapesStayLiteral() {
        #expect(PercentDecoding.path("/100%/%zz/%4") == "/100%/%zz/%4")
    }

    @Test func queryDecodesPlusAndLetsTheLastValueWin() {
        let query = PercentDecoding.query("list=true&name=a+b&name=c%26d&flag&=empty")
        #expect(query == ["list": "true", "name": "c&d", "flag": "", "": "empty"])
    }

    @Test func utf8EscapesBecomeCharacters() {
        #expect(PercentDecoding.path("/caf%C3%A9") == "/café")
    }
}
