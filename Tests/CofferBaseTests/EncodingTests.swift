import Testing

@testable import CofferBase

struct EncodingTests {
    @Test(arguments: [
        ("", "", ""), ("f", "Zg==", "Zg"), ("fo", "Zm8=", "Zm8"), ("foo", "Zm9v", "Zm9v"),
        ("foob", "Zm9vYg==", "Zm9vYg"), ("fooba", "Zm9vYmE=", "Zm9vYmE"), ("foobar", "Zm9vYmFy", "Zm9vYmFy"),
    ])
    func base64MatchesRFC4648Vectors(plain: String, standard: String, url: String) {
        #expect(Base64.encode(Array(plain.utf8)) == standard)
        #expect(Base64.encodeURL(Array(plain.utf8)) == url)
        #expect(Base64.decode(standard) == Array(plain.utf8))
        #expect(Base64.decodeURL(url) == Array(plain.utf8))
    }

    @Test func base64AlphabetsAreKeptApart() {
        #expect(Base64.encode([0xFB, 0xFF]) == "+/8=")
        #expect(Base64.encodeURL([0xFB, 0xFF]) == "-_8")
        #expect(Base64.decode("-_8") == nil)
        #expect(Base64.decodeURL("+/8") == nil)
    }

    @Test func base64RefusesMalformedInput() {
        #expect(Base64.decode("Z") == nil)
        #expect(Base64.decode("Zh==") == nil)
        #expect(Base64.decode("Zm9v!") == nil)
    }

    @Test func hexRoundTripsAndRefusesBadInput() {
        #expect(Hex.encode([0x00, 0xAB, 0xFF]) == "00abff")
        #expect(Hex.decode("00ABff") == [0x00, 0xAB, 0xFF])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
    }
}
