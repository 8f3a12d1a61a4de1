import CofferReplication
import CofferStorage
import Testing

@Suite struct WALRecordTests {
    private let record = WALRecord(
        index: 42,
        operations: [
            .put(key: "secret/data/app", value: [0, 1, 2, 255]),
            .delete(key: "sys/policy/old"),
            .put(key: "secret/empty", value: []),
            .put(key: "secret/ünïcode", value: walBytes("x")),
        ])

    @Test func encodingRoundTripsAndStartsWithTheFormatVersion() throws {
        let encoded = record.encoded()
        #expect(encoded.first == WALRecord.formatVersion)
        #expect(try WALRecord.decode(encoded) == record)
    }

    @Test func encodedSizeIsTheLengthOfTheEncoding() {
        #expect(record.encodedSize == record.encoded().count)
        #expect(WALRecord(index: 1, operations: []).encodedSize == 13)
    }

    @Test func unknownVersionIsRefused() {
        var encoded = record.encoded()
        encoded[0] = 9
        #expect(throws: WALError(.corrupt, "unknown WAL record format version 9")) {
            try WALRecord.decode(encoded)
        }
    }

    @Test(arguments: [1, 5, 13, 20, 40])
    func truncatedRecordIsRefusedAsCorrupt(length: Int) {
        let encoded = Array(record.encoded().prefix(length))
        let error = #expect(throws: WALError.self) { try WALRecord.decode(encoded) }
        #expect(error?.code == .corrupt)
    }

    @Test func trailingBytesAreRefused() {
        let error = #expect(throws: WALError.self) { try WALRecord.decode(record.encoded() + [0]) }
        #expect(error?.code == .corrupt)
    }

    @Test func keyThatIsNotUTF8IsRefused() {
        // version, index 1, one operation: a delete whose one-byte key is 0xFF.
        let encoded: [UInt8] = [1] + [0, 0, 0, 0, 0, 0, 0, 1] + [0, 0, 0, 1] + [2, 0, 0, 0, 1, 0xFF]
        let error = #expect(throws: WALError.self) { try WALRecord.decode(encoded) }
        #expect(error?.code == .corrupt)
    }

    @Test func operationCountBeyondTheInputIsRefusedBeforeAllocating() {
        let encoded: [UInt8] = [1] + [0, 0, 0, 0, 0, 0, 0, 1] + [0xFF, 0xFF, 0xFF, 0xFF]
        let error = #expect(throws: WALError.self) { try WALRecord.decode(encoded) }
        #expect(error?.code == .corrupt)
    }

    @Test func errorDescriptionNamesDomainAndCode() {
        #expect(WALError(.gap, "expected 2").description == "wal.gap: expected 2")
    }
}
