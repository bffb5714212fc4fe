import LimeText

/// How subword pieces are computed and matched to linguistic tokens.
public enum TokenizationMode: String, Sendable, Codable, CaseIterable {
    /// The paper's "LIME tokenization": each linguistic token (with the whitespace before
    /// it) is encoded on its own, so a piece never crosses a word boundary; every piece
    /// repeats its word's tags.
    case lime
    /// The whole text is encoded at once; each piece takes the tags of the token it
    /// overlaps most (in bytes, ties to the first); a piece overlapping no token (pure
    /// whitespace) takes the next token's tags.
    case wholeText = "whole-text"
}

/// An annotator's tokens do not fit the document's text.
public struct AlignmentError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// Turns annotated documents into aligned piece sequences. One instance per thread:
/// it keeps a cache of the piece sequences of frequent words.
public final class SubwordAligner {
    public let model: any SubwordTokenizer
    public let mode: TokenizationMode
    public let cacheCapacity: Int
    private var cache: [String: [Int32]] = [:]
    private var scratch: [Int32] = []
    public private(set) var cacheHits = 0
    public private(set) var cacheMisses = 0

    public init(model: any SubwordTokenizer, mode: TokenizationMode = .lime, cacheCapacity: Int = 200_000) {
        self.model = model
        self.mode = mode
        self.cacheCapacity = cacheCapacity
        cache.reserveCapacity(min(cacheCapacity, 1 << 16))
    }

    /// Aligns one document. `tokens` must be sorted, non-overlapping byte spans of `text`.
    public func align(id: String, text: String, tokens: [AnnotatedToken]) throws -> AlignedDocument {
        try validate(tokens, textLength: text.utf8.count)
        switch mode {
        case .lime: return try alignPerToken(id: id, text: text, tokens: tokens)
        case .wholeText: return try alignWholeText(id: id, text: text, tokens: tokens)
        }
    }

    private func validate(_ tokens: [AnnotatedToken], textLength: Int) throws {
        if tokens.isEmpty && textLength > 0 {
            throw AlignmentError(description: "annotator returned no tokens for a non-empty text")
        }
        var previousEnd: Int32 = 0
        for (index, token) in tokens.enumerated() {
            guard token.start >= previousEnd, token.end > token.start, Int(token.end) <= textLength else {
                throw AlignmentError(description:
                    "annotator token \(index) has invalid byte span \(token.start)..<\(token.end) (text has \(textLength) bytes)")
            }
            previousEnd = token.end
        }
    }

    private func alignPerToken(id: String, text: String, tokens: [AnnotatedToken]) throws -> AlignedDocument {
        var document = AlignedDocument(id: id)
        document.reserve(text.utf8.count / 3 + 8)
        let utf8 = text.utf8
        let total = utf8.count
        var segmentStart = 0
        for (index, token) in tokens.enumerated() {
            let segmentEnd = index == tokens.count - 1 ? total : Int(token.end)
            let lower = utf8.index(utf8.startIndex, offsetBy: segmentStart)
            let upper = utf8.index(lower, offsetBy: segmentEnd - segmentStart)
            let pieces = try encodeSegment(String(text[lower..<upper]))
            var first: UInt8 = 1
            for piece in pieces {
                document.tokens.append(UInt32(piece))
                document.tag.append(token.tag)
                document.pos.append(token.pos)
                document.ner.append(token.ner)
                document.wordStart.append(first)
                first = 0
            }
            segmentStart = segmentEnd
        }
        return document
    }

    private func encodeSegment(_ segment: String) throws -> [Int32] {
        if let cached = cache[segment] {
            cacheHits += 1
            return cached
        }
        cacheMisses += 1
        scratch.removeAll(keepingCapacity: true)
        var copy = segment
        try copy.withUTF8 { try model.encode(UnsafeRawBufferPointer($0), into: &scratch) }
        if cache.count < cacheCapacity { cache[segment] = scratch }
        return scratch
    }

    private func alignWholeText(id: String, text: String, tokens: [AnnotatedToken]) throws -> AlignedDocument {
        var copy = text
        let spans = try copy.withUTF8 { try model.encodeWithSpans(UnsafeRawBufferPointer($0)) }
        var document = AlignedDocument(id: id)
        document.reserve(spans.count)
        var cursor = 0  // first token that may still overlap the current piece
        var previousOwner = -1
        for span in spans {
            while cursor < tokens.count && Int(tokens[cursor].end) <= span.begin { cursor += 1 }
            var owner = -1
            var best = 0
            var k = cursor
            while k < tokens.count && Int(tokens[k].start) < span.end {
                let overlap = min(span.end, Int(tokens[k].end)) - max(span.begin, Int(tokens[k].start))
                if overlap > best {
                    best = overlap
                    owner = k
                }
                k += 1
            }
            if owner < 0 { owner = min(cursor, tokens.count - 1) }
            let token = tokens[owner]
            document.tokens.append(UInt32(span.id))
            document.tag.append(token.tag)
            document.pos.append(token.pos)
            document.ner.append(token.ner)
            document.wordStart.append(owner != previousOwner ? 1 : 0)
            previousOwner = owner
        }
        return document
    }
}
