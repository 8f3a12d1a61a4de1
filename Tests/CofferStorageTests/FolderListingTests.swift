import Testing

@testable import CofferStorage

/// The byte arithmetic behind range scans and folder folding.
@Suite struct FolderListingTests {
    @Test func successorIncrementsTheLastByteThatCanGrow() {
        #expect(FolderListing.successor(of: Array("b/".utf8)) == Array("b0".utf8))
        #expect(FolderListing.successor(of: [0x61, 0xFF, 0xFF]) == [0x62])
    }

    @Test func successorOfNothingOrAllMaximalBytesDoesNotExist() {
        #expect(FolderListing.successor(of: []) == nil)
        #expect(FolderListing.successor(of: [0xFF, 0xFF]) == nil)
    }

    @Test func directKeyIsListedByName() {
        #expect(FolderListing.entry(forKey: Array("b/c".utf8), prefixLength: 2) == .key("c"))
    }

    @Test func deeperKeyIsListedAsItsFirstFolderWithTheScanResumingPastIt() {
        let entry = FolderListing.entry(forKey: Array("b/d/e/f".utf8), prefixLength: 2)
        #expect(entry == .folder("d/", resumeAt: Array("b/d0".utf8)))
    }

    @Test func keyEqualToThePrefixNamesNothing() {
        #expect(FolderListing.entry(forKey: Array("b/".utf8), prefixLength: 2) == nil)
    }
}
