import Foundation
import Testing
@testable import LimeText

@Suite struct SpacyBucketsTests {
    /// Rows spaCy itself selects (en_core_web_sm 3.8 via thinc's `ops.hash`, printed by
    /// Python for these tokens): NORM, PREFIX, SUFFIX, SHAPE, four rows each. Covers norm
    /// exceptions ("n't" -> not, curly quotes -> ", colour -> color), non-ASCII case and
    /// shape, and shape runs cut after four.
    static let expected: [(String, [UInt16])] = [
        ("Birmingham", [1048, 3499, 424, 4101, 887, 33, 410, 900, 1938, 814, 834, 533, 714, 447, 1963, 1109]),
        ("is", [874, 3146, 3811, 867, 601, 364, 315, 61, 479, 444, 1107, 1781, 657, 2435, 372, 2068]),
        ("n't", [3228, 605, 1194, 2260, 389, 992, 135, 401, 421, 1638, 1421, 2441, 2477, 379, 1539, 2358]),
        ("“", [4306, 1064, 3959, 1596, 254, 385, 611, 618, 89, 382, 1736, 141, 2251, 166, 559, 574]),
        ("”", [4306, 1064, 3959, 1596, 387, 484, 648, 569, 111, 1589, 1782, 2477, 1693, 1218, 2446, 1939]),
        ("largest", [3174, 3585, 909, 1525, 244, 931, 801, 916, 2010, 832, 439, 2218, 1331, 314, 2013, 1719]),
        ("Alabama—12.5", [4640, 1682, 1960, 227, 768, 799, 974, 683, 1360, 1178, 877, 1097, 1487, 147, 1707, 1103]),
        ("%", [3908, 2149, 4714, 724, 803, 626, 800, 381, 2336, 750, 750, 733, 2067, 2491, 212, 1511]),
        ("U.S.", [1778, 4959, 1315, 4938, 795, 346, 76, 847, 2102, 573, 997, 354, 708, 1123, 1797, 1819]),
        ("colour", [2566, 1149, 201, 4428, 594, 719, 599, 286, 182, 1321, 552, 1667, 1331, 314, 2013, 1719]),
        ("naïve", [1716, 2452, 74, 3678, 389, 992, 135, 401, 2205, 1911, 1037, 974, 1331, 314, 2013, 1719]),
        ("Ωmega", [4870, 3199, 953, 3446, 277, 380, 546, 578, 1692, 989, 283, 1868, 714, 447, 1963, 1109]),
        ("'s", [4362, 1756, 4043, 2634, 185, 79, 859, 702, 953, 1560, 1559, 1225, 2301, 1238, 1198, 1018]),
        ("ÉCOLE", [3248, 2486, 76, 1434, 453, 969, 594, 76, 2426, 2298, 191, 1491, 1059, 467, 1961, 1944]),
        ("2024", [1400, 55, 952, 1435, 553, 377, 82, 291, 653, 1551, 181, 1286, 816, 557, 1478, 1436]),
        ("aaaaaabbbb", [4512, 1185, 620, 630, 258, 586, 628, 734, 747, 263, 2227, 1342, 1331, 314, 2013, 1719]),
    ]

    @Test func rowsEqualSpacys() {
        for (token, rows) in Self.expected {
            let computed = Array(token.utf8).withUnsafeBufferPointer { SpacyBuckets.rows($0) }
            #expect((0..<16).map { computed[$0] } == rows, "\(token)")
        }
    }

    @Test func cacheReturnsTheComputedRows() {
        let cache = SpacyRowCache(limit: 2)
        for _ in 0..<3 {
            for (token, rows) in Self.expected {
                let bytes = Array(token.utf8)
                let cached = bytes.withUnsafeBufferPointer { cache.rows($0.baseAddress!, $0.count) }
                #expect((0..<16).map { cached[$0] } == rows, "\(token)")
            }
        }
    }

    /// Long tokens that share their first 256 bytes (beyond `TokenInfo.word`'s reach) still
    /// get their own rows: NORM and SUFFIX read the whole token.
    @Test func cacheTellsLongTokensApart() {
        let cache = SpacyRowCache()
        let stem = [UInt8](repeating: UInt8(ascii: "a"), count: 300)
        for tail in ["xyz", "Q", "zz"] {
            let bytes = stem + Array(tail.utf8)
            let cached = bytes.withUnsafeBufferPointer { cache.rows($0.baseAddress!, $0.count) }
            let direct = bytes.withUnsafeBufferPointer { SpacyBuckets.rows($0) }
            #expect(cached == direct, "\(tail)")
        }
    }

    /// The byte parser keeps `T` and `H` lines (hex of either case) and skips malformed ones.
    @Test func normExceptionsParseTextAndHashLines() {
        let tsv = "T\tcolour\tcolor\nH\t00ff\tx\nH\tABCdef\ty\nH\tnothex\tz\nT\tonly two\nX\ta\tb\nTT\ta\tb\n\nT\t’\t'\n"
        let norms = NormExceptions(tsv: Array(tsv.utf8))
        #expect(norms.byText == [Array("colour".utf8): Array("color".utf8), Array("’".utf8): Array("'".utf8)])
        #expect(norms.byLowerHash == [0xff: Array("x".utf8), 0xabcdef: Array("y".utf8)])
    }

    /// Every line of the shipped resource is a `T` or `H` entry, and every one is loaded.
    @Test func shippedNormExceptionsAreAllLoaded() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/LimeText/Resources/spacy-norms.tsv")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        let shared = NormExceptions.shared
        #expect(shared.byText.count == lines.filter { $0.hasPrefix("T\t") }.count)
        #expect(shared.byLowerHash.count == lines.filter { $0.hasPrefix("H\t") }.count)
        #expect(shared.byText.count + shared.byLowerHash.count == lines.count)
    }
}
