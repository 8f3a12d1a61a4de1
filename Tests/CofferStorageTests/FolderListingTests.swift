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

    @Test func textSuccessorReplacesTheLastScalarByTheNextOne() {
        #expect(FolderListing.successor(ofText: "b/") == "b0")
        #expect(FolderListing.successor(ofText: "a\u{7F}") == "a\u{80}")
        #expect(FolderListing.successor(ofText: "a\u{D7FF}") == "a\u{E000}")
        #expect(FolderListing.successor(ofText: "a\u{10FFFF}\u{10FFFF}") == "b")
    }

    @Test func textSuccessorOfNothingOrOnlyTheLastScalarDoesNotExist() {
        #expect(FolderListing.successor(ofText: "") == nil)
        #expect(FolderListing.successor(ofText: "\u{10FFFF}") == nil)
    }

    @Test func textSuccessorBoundsEveryKeyWithThePrefixAndNoOther() throws {
        let prefix = "k/\u{7F}"
        let bound = Array(try #require(FolderListing.successor(ofText: prefix)).utf8)
        let inside = ["k/\u{7F}", "k/\u{7F}\u{10FFFF}", "k/\u{7F}z"]
        let after = ["k/\u{80}", "k/\u{80}a", "k0"]

        for key in inside {
            #expect(Array(key.utf8).lexicographicallyPrecedes(bound))
        }
        for key in after {
            #expect(!Array(key.utf8).lexicographicallyPrecedes(bound))
        }
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
