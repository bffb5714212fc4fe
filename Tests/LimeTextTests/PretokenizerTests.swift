import Testing
@testable import LimeText

/// Expected splits are what spaCy 3.8's `spacy.blank("en").tokenizer` produces (checked
/// with spaCy when written down); the fixture test compares with spaCy's own spans.
@Suite struct PretokenizerTests {
    let pretokenizer = Pretokenizer()

    /// The token texts of `text`.
    func texts(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        return pretokenizer.tokenize(text).map { String(decoding: bytes[Int($0.start)..<Int($0.end)], as: UTF8.self) }
    }

    /// `text` rebuilt from its tokens and the single spaces between them.
    func rebuilt(_ text: String, _ spans: [TokenSpan]) -> [UInt8] {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var position = 0
        for span in spans {
            if Int(span.start) == position + 1 && bytes[position] == UInt8(ascii: " ") { out.append(bytes[position]) }
            out += bytes[Int(span.start)..<Int(span.end)]
            position = Int(span.end)
        }
        if position + 1 == bytes.count && bytes[position] == UInt8(ascii: " ") { out.append(bytes[position]) }
        return out
    }

    @Test func contractions() {
        #expect(texts("I don't know.") == ["I", "do", "n't", "know", "."])
        #expect(texts("I'm gonna go, aren't you?") == ["I", "'m", "gon", "na", "go", ",", "are", "n't", "you", "?"])
        #expect(texts("can't won't y'all") == ["ca", "n't", "wo", "n't", "y'", "all"])
    }

    @Test func abbreviations() {
        #expect(texts("The U.S. and e.g. Dr. Smith arrived.") == ["The", "U.S.", "and", "e.g.", "Dr.", "Smith", "arrived", "."])
        #expect(texts("Mr. and Mrs. Smith, Inc.") == ["Mr.", "and", "Mrs.", "Smith", ",", "Inc."])
        #expect(texts("(e.g.)") == ["(", "e.g.", ")"])
        #expect(texts("a.m.") == ["a.m."])
        #expect(texts("U.S.A.") == ["U.S.A."])
    }

    @Test func urlsAndEmails() {
        #expect(texts("Visit https://www.example.com/path?q=1, or www.spacy.io.")
            == ["Visit", "https://www.example.com/path?q=1", ",", "or", "www.spacy.io", "."])
        #expect(texts("Mail me at john.doe@example.org!") == ["Mail", "me", "at", "john.doe@example.org", "!"])
        #expect(texts("192.168.1.1 and 8.8.8.8") == ["192.168.1.1", "and", "8.8.8.8"])
    }

    @Test func numbersAndUnits() {
        #expect(texts("It costs $5 for 10km and 3.5GB of US$100.")
            == ["It", "costs", "$", "5", "for", "10", "km", "and", "3.5", "GB", "of", "US$", "100", "."])
        #expect(texts("costs 100%.") == ["costs", "100", "%", "."])
        #expect(texts("Hello.World and 10.5 x 3-4 1+2")
            == ["Hello", ".", "World", "and", "10.5", "x", "3", "-", "4", "1", "+", "2"])
        #expect(texts("°C.") == ["°", "C", "."])
    }

    @Test func emoticonsAndSymbols() {
        #expect(texts("Nice :) and :-( but (:") == ["Nice", ":)", "and", ":-(", "but", "(:"])
        #expect(texts("😀😀 great") == ["😀", "😀", "great"])
    }

    @Test func hyphensEllipsesQuotesBrackets() {
        #expect(texts("A well-known, state-of-the-art idea.")
            == ["A", "well", "-", "known", ",", "state", "-", "of", "-", "the", "-", "art", "idea", "."])
        #expect(texts("mid-1990s 5-year-old") == ["mid-1990s", "5", "-", "year", "-", "old"])
        #expect(texts("Wait... what…") == ["Wait", "...", "what", "…"])
        #expect(texts("\"Hello,\" she said (quietly) [sic].")
            == ["\"", "Hello", ",", "\"", "she", "said", "(", "quietly", ")", "[", "sic", "]", "."])
        #expect(texts("He said:\"ok\"") == ["He", "said:\"ok", "\""])
        #expect(texts("and/or") == ["and/or"])
    }

    @Test func whitespace() {
        #expect(texts("a  b") == ["a", " ", "b"])
        #expect(texts("a\nb") == ["a", "\n", "b"])
        #expect(texts(" lead") == [" ", "lead"])
        #expect(texts("end ") == ["end"])
        #expect(texts("x\t\ty") == ["x", "\t\t", "y"])
        #expect(pretokenizer.tokenize("a  b").map(\.isSpace) == [false, true, false])
        #expect(pretokenizer.tokenize("").isEmpty)
    }

    @Test func nonASCIIByteOffsets() {
        let text = "Ünïcödé café naïve — zürich’s"
        #expect(texts(text) == ["Ünïcödé", "café", "naïve", "—", "zürich", "’s"])
        let spans = pretokenizer.tokenize(text)
        #expect(spans.first == TokenSpan(start: 0, end: 11))
        #expect(spans.last?.end == Int32(text.utf8.count))
    }

    @Test func realTextMatchesSpacyAndRebuilds() {
        for document in PretokenizerFixture.documents {
            let expected = document.spans.split(separator: " ").map { Int32($0)! }
            let spans = pretokenizer.tokenize(document.text)
            #expect(spans.count * 2 == expected.count, "\(document.source)")
            #expect(spans.flatMap { [$0.start, $0.end] } == expected, "\(document.source)")
            #expect(rebuilt(document.text, spans) == Array(document.text.utf8), "\(document.source)")
            for span in spans where span.isSpace {
                let bytes = Array(document.text.utf8)[Int(span.start)..<Int(span.end)]
                let allSpace = String(decoding: bytes, as: UTF8.self).allSatisfy { $0.isWhitespace }
                #expect(allSpace)
            }
        }
    }
}

extension PretokenizerTests {
    @Test func truncatedUTF8StaysInBounds() {
        // "ab " then the first two bytes of "€" (E2 82 AC): cut off by the end.
        let bytes: [UInt8] = [0x61, 0x62, 0x20, 0xE2, 0x82]
        let spans = bytes.withUnsafeBufferPointer { pretokenizer.tokenize(utf8: $0) }
        #expect(spans.first == TokenSpan(start: 0, end: 2))
        #expect(spans.allSatisfy { $0.start >= 0 && $0.end <= Int32(bytes.count) && $0.start < $0.end })
    }
}
