import Testing

@testable import CofferBase

struct JSONTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSON.parse(
            #"{"a":[1,-2.5,true,false,null,"x\n\u00e9\ud83d\ude00"],"b":{"c":9007199254740993}}"#)
        #expect(value["a"] == [1, -2.5, true, false, nil, "x\né😀"])
        #expect(value["b"]?["c"] == .int(9_007_199_254_740_993))
    }

    @Test func serializesWithSortedKeysAndEscapes() {
        let value: JSON = ["z": 1, "a": ["q\"uote", "tab\t", "\u{01}"], "m": nil]
        #expect(value.serializedString() == #"{"a":["q\"uote","tab\t","\u0001"],"m":null,"z":1}"#)
    }

    @Test func roundTripsThroughTheSerializer() throws {
        let value: JSON = ["k": ["nested": [1, 2, ["deep": "é"]]], "n": 1.5, "b": false]
        #expect(try JSON.parse(value.serialized()) == value)
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "tru", "01", "1.", "\"\u{01}\"", "\"\\x\"", "{} {}",
        "\"\\ud800\"", "[1 2]",
    ])
    func refusesMalformedDocuments(text: String) {
        #expect(throws: JSONError.self) { try JSON.parse(text) }
    }

    @Test func errorsNeverQuoteTheDocument() {
        do {
            _ = try JSON.parse(#"{"password": "hunter2" "#)
            Issue.record("parse should fail")
        } catch {
            #expect(!error.description.contains("hunter2"))
        }
    }

    @Test func deepNestingIsRefused() {
        let text = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(throws: JSONError.self) { try JSON.parse(text) }
    }

    @Test func integralDoublesReadAsIntegers() {
        #expect(JSON.double(3).intValue == 3)
        #expect(JSON.double(3.5).intValue == nil)
        #expect(JSON.string("3").intValue == nil)
    }
}
