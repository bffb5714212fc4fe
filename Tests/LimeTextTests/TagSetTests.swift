import Testing
@testable import LimeText

@Suite struct TagSetTests {
    @Test func reservedIDsAndLookup() {
        #expect(TagSets.tag.count == 53)
        #expect(TagSets.tag.label(TagSets.tag.id("VBZ")) == "VBZ")
        #expect(TagSets.ner.id("B-NOPE") == TagSet.unknownID)
        #expect(TagSets.ner.count == 3 + 37)
    }
}
