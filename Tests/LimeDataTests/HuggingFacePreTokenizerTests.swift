import Foundation
@testable import LimeData
import XCTest

/// The native pre-tokenizer scanners against the Oniguruma regexes of `tokenizers`, piece
/// by piece (a split error that BPE would hide is still caught here).
final class HuggingFacePreTokenizerTests: XCTestCase {
    static let cases: [String] = [
        "x'ſtuff", "x'Stuff", "x'\u{212A}ab", "x'RE'LLo", "a\u{00A0}\u{00A0}b", "a \u{0085}b", "don't DON'T Don'T",
        "  two", "\t\ttabs", "end   ", "a\n\n  b", "a \r\n\r\n b", "x  \n", "1234567 12", "٣٤٥٦ ४२", "½⅓ Ⅻ",
        "e\u{0301}t\u{0308}", "हिन्दी", "👨‍👩‍👧‍👦 🏳️‍🌈", "a\u{2028}b", "...!?\n\nNext", " ...\r\n", "''s", "'''",
    ]

    func testScannerSplitsLikeTokenizers() throws {
        let texts = Self.cases + HuggingFaceTokenizerTests.multilingual + HuggingFaceTokenizerTests.randomTexts
            + TestSupport.documents.map(\.text)
        let directory = TestSupport.temporaryDirectory("lime-hfsplit")
        let input = (directory as NSString).appendingPathComponent("texts.json")
        try JSONSerialization.data(withJSONObject: texts).write(to: URL(fileURLWithPath: input))
        let patterns: [(String, PreTokenizerPattern)] = [("gpt2", .gpt2), ("llama3", .llama3(maxDigits: 3)), ("qwen2", .llama3(maxDigits: 1))]
        for (name, pattern) in patterns {
            let output = (directory as NSString).appendingPathComponent("\(name).json")
            try HuggingFaceTokenizerTests.python(["split", name, input, output])
            let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as! [[String]]
            var scanner = PreTokenizerScanner()
            var mismatches = 0
            for (text, reference) in zip(texts, expected) {
                let bytes = Array(text.utf8)
                var ends: [Int] = []
                bytes.withUnsafeBufferPointer { scanner.split($0, 0..<bytes.count, pattern: pattern, ends: &ends) }
                var start = 0
                let pieces = ends.map { end in
                    defer { start = end }
                    return String(decoding: bytes[start..<end], as: UTF8.self)
                }
                if pieces != reference {
                    mismatches += 1
                    if mismatches <= 5 { XCTFail("\(name) \(text.debugDescription): lime \(pieces) vs tokenizers \(reference)") }
                }
            }
            XCTAssertEqual(mismatches, 0, "\(name): texts split differently from tokenizers")
            XCTAssertEqual(expected.count, texts.count)
        }
    }
}
