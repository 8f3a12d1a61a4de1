import Testing

@testable import CofferBase

struct DurationParserTests {
    @Test(arguments: [
        ("30m", 1800), ("1h30m", 5400), ("768h", 2_764_800), ("45s", 45), ("300", 300), ("1d", 86400),
        ("1.5h", 5400), ("1500ms", 1),
    ])
    func parsesVaultDurations(text: String, seconds: Int64) {
        #expect(DurationParser.seconds(text) == seconds)
    }

    @Test(arguments: ["", "abc", "10x", "-5", "h", "5m3"])
    func refusesMalformedDurations(text: String) {
        #expect(DurationParser.seconds(text) == nil)
    }

    @Test func acceptsIntegersAndRefusesOtherKinds() {
        #expect(DurationParser.seconds(.int(60)) == 60)
        #expect(DurationParser.seconds(.int(-1)) == nil)
        #expect(DurationParser.seconds(.bool(true)) == nil)
    }
}
