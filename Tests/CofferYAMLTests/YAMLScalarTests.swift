import CofferYAML
import Testing

@Suite struct YAMLScalarTests {
    private func resolve(_ text: String) throws -> YAMLScalar? {
        try YAMLParser.parse("value: \(text)")["value"]?.scalar
    }

    @Test(arguments: ["~", "null", "Null", "NULL", ""])
    func nullSpellingsResolveToNull(text: String) throws {
        #expect(try resolve(text) == .null)
    }

    @Test(arguments: [("true", true), ("True", true), ("TRUE", true), ("false", false), ("FALSE", false)])
    func booleanSpellingsResolveToBooleans(text: String, expected: Bool) throws {
        #expect(try resolve(text) == .bool(expected))
    }

    @Test(arguments: ["yes", "no", "on", "off", "y", "n"])
    func yaml11BooleansStayStrings(text: String) throws {
        #expect(try resolve(text) == .string(text))
    }

    @Test(arguments: [("0", 0), ("42", 42), ("-17", -17), ("+8", 8), ("0x1F", 31), ("0o17", 15), ("007", 7)])
    func integerFormsResolveToInt(text: String, expected: Int) throws {
        #expect(try resolve(text) == .int(expected))
    }

    @Test(arguments: ["0x", "0o8", "0x-1", "1_000", "12abc", "0b101"])
    func malformedIntegersStayStrings(text: String) throws {
        #expect(try resolve(text) == .string(text))
    }

    @Test(arguments: [("1.5", 1.5), ("-0.25", -0.25), (".5", 0.5), ("1.", 1.0), ("2e3", 2000.0), ("1.5E-1", 0.15)])
    func decimalFloatsResolveToFloat(text: String, expected: Double) throws {
        #expect(try resolve(text) == .float(expected))
    }

    @Test func infinityAndNaNResolveToSpecialFloats() throws {
        #expect(try resolve(".inf") == .float(.infinity))
        #expect(try resolve("-.Inf") == .float(-.infinity))
        guard case .float(let nan) = try resolve(".nan") else {
            Issue.record("expected a float")
            return
        }
        #expect(nan.isNaN)
    }

    @Test(arguments: ["inf", "nan", "0x1p3", "1e", ".", "e5", "1.2.3"])
    func textThatDoubleWouldAcceptStaysString(text: String) throws {
        #expect(try resolve(text) == .string(text))
    }

    @Test func integerTooLargeForIntBecomesFloat() throws {
        #expect(try resolve("99999999999999999999") == .float(1e20))
    }

    @Test(arguments: ["\"123\"", "'true'", "\"null\"", "'~'"])
    func quotedScalarsAreAlwaysStrings(text: String) throws {
        let scalar = try resolve(text)
        guard case .string = scalar else {
            Issue.record("expected a string, got \(String(describing: scalar))")
            return
        }
    }

    @Test func blockScalarsAreStrings() throws {
        let node = try YAMLParser.parse("value: |\n  42\n")
        #expect(node["value"]?.scalar == .string("42\n"))
    }

    @Test func explicitStringTagPreventsResolution() throws {
        let node = try YAMLParser.parse("value: !!str 42")
        #expect(node["value"]?.scalar == .string("42"))
        #expect(node["value"]?.tag == "tag:yaml.org,2002:str")
    }

    @Test func explicitIntTagOnQuotedTextResolves() throws {
        let node = try YAMLParser.parse("value: !!int \"42\"")
        #expect(node["value"]?.int == 42)
    }
}
