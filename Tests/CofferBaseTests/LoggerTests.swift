import Testing

@testable import CofferBase

struct LoggerTests {
    @Test func linesCarryLevelLabelMessageAndSortedMetadata() throws {
        let sink = MemoryLogSink()
        var logger = Logger(label: "coffer.test", level: .info, sink: sink)
        logger.metadata["node.name"] = "a"
        logger.info("unsealed", ["cluster.name": "dc 1"])
        logger.debug("hidden")
        let line = try #require(sink.lines.first)
        #expect(sink.lines.count == 1)
        #expect(line.hasSuffix("info coffer.test: unsealed cluster.name=\"dc 1\" node.name=a"))
    }

    @Test func clockFormatsRFC3339InUTC() {
        let time = Timestamp(seconds: 1_700_000_000, nanoseconds: 5)
        #expect(Clock.rfc3339(time) == "2023-11-14T22:13:20.000000005Z")
        #expect(Clock.rfc3339(time, fractionalDigits: 0) == "2023-11-14T22:13:20Z")
    }
}
