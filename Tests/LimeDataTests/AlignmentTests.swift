import Foundation
import LimeText
import Testing
@testable import LimeData

@Suite struct AlignmentTests {
    let model = TestSupport.tokenizer
    let annotator = WhitespaceAnnotator()

    func annotated(_ text: String) throws -> [AnnotatedToken] {
        try annotator.annotate([.text(text)])[0].get()
    }

    @Test(arguments: TokenizationMode.allCases)
    func piecesDecodeToTheTextByteForByte(mode: TokenizationMode) throws {
        let aligner = SubwordAligner(model: model, mode: mode)
        for (id, text) in TestSupport.documents {
            let document = try aligner.align(id: id, text: text, tokens: try annotated(text))
            #expect(model.decodeBytes(document.tokens) == Array(text.utf8), "document \(id) does not round-trip")
            #expect(try model.decodeWithLibrary(document.tokens.map { Int32($0) }) == text, "SentencePiece's decoder disagrees on \(id)")
        }
    }

    @Test func limeModeKeepsPiecesInsideWordsAndRepeatsTags() throws {
        let aligner = SubwordAligner(model: model, mode: .lime)
        for (id, text) in TestSupport.documents.prefix(20) {
            let tokens = try annotated(text)
            let document = try aligner.align(id: id, text: text, tokens: tokens)
            #expect(document.tag.count == document.count && document.ner.count == document.count
                    && document.pos.count == document.count && document.wordStart.count == document.count)
            // Split pieces into words at word_start, and check each word against its token.
            var words: [[Int]] = []
            for index in 0..<document.count {
                if document.wordStart[index] == 1 { words.append([]) }
                words[words.count - 1].append(index)
            }
            #expect(words.count == tokens.count, "\(id): one word per linguistic token")
            let bytes = Array(text.utf8)
            var segmentStart = 0
            for (k, word) in words.enumerated() {
                let token = tokens[k]
                #expect(word.allSatisfy { document.tag[$0] == token.tag && document.pos[$0] == token.pos && document.ner[$0] == token.ner })
                let segmentEnd = k == tokens.count - 1 ? bytes.count : Int(token.end)
                #expect(model.decodeBytes(word.map { document.tokens[$0] }) == Array(bytes[segmentStart..<segmentEnd]),
                        "\(id): a word's pieces must cover exactly its token and the whitespace before it")
                segmentStart = segmentEnd
            }
        }
    }

    @Test func cacheIsTransparent() throws {
        let cached = SubwordAligner(model: model, mode: .lime, cacheCapacity: 100_000)
        let uncached = SubwordAligner(model: model, mode: .lime, cacheCapacity: 0)
        for (id, text) in TestSupport.documents {
            let tokens = try annotated(text)
            #expect(try cached.align(id: id, text: text, tokens: tokens) == uncached.align(id: id, text: text, tokens: tokens))
        }
        #expect(cached.cacheHits > cached.cacheMisses)
    }

    @Test func wholeTextModeUsesLargestOverlap() throws {
        let aligner = SubwordAligner(model: model, mode: .wholeText)
        let text = "Moses went up"
        let tokens = try annotated(text)
        let document = try aligner.align(id: "t", text: text, tokens: tokens)
        var offset = 0
        for index in 0..<document.count {
            let length = model.pieceBytes[Int(document.tokens[index])].count
            let span = offset..<(offset + length)
            // the owning token has the largest overlap with this piece
            let overlaps = tokens.map { max(0, min(span.upperBound, Int($0.end)) - max(span.lowerBound, Int($0.start))) }
            let best = overlaps.max()!
            if best > 0 {
                let owner = overlaps.firstIndex(of: best)!
                #expect(document.tag[index] == tokens[owner].tag)
            }
            offset += length
        }
        #expect(document.wordStart.first == 1)
    }

    @Test func invalidAnnotatorSpansAreRejected() {
        let aligner = SubwordAligner(model: model)
        let bad = [AnnotatedToken(start: 0, end: 50, tag: 3, pos: 3, ner: 3)]
        #expect(throws: AlignmentError.self) { try aligner.align(id: "x", text: "short", tokens: bad) }
        #expect(throws: AlignmentError.self) { try aligner.align(id: "x", text: "short", tokens: []) }
    }
}
