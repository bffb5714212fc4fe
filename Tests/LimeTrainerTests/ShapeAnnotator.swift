import Foundation
import LimeText

/// A fallback annotator for the tests when the shipped native tagger model cannot be
/// loaded (for example while its file format is being changed): spaCy-compatible
/// pre-tokenization, tags from word shape (CD digits, NNP capitalized, punctuation, NN).
final class ShapeAnnotator: Annotator {
    let name = "shape"
    let fingerprint: [String: String] = ["annotator": "shape-test-1"]
    private let pretokenizer = Pretokenizer()

    func annotate(_ documents: [AnnotatorDocument]) throws -> [Result<[AnnotatedToken], AnnotatorFailure>] {
        documents.map { document in
            let text = document.text
            let bytes = Array(text.utf8)
            return .success(pretokenizer.tokenize(text).map { span in
                let word = String(decoding: bytes[Int(span.start)..<Int(span.end)], as: UTF8.self)
                let (tag, pos) = Self.shape(word, isSpace: span.isSpace)
                return AnnotatedToken(start: span.start, end: span.end, tag: TagSets.tag.id(tag), pos: TagSets.pos.id(pos), ner: TagSets.ner.id("O"))
            })
        }
    }

    static func shape(_ word: String, isSpace: Bool) -> (String, String) {
        if isSpace { return ("_SP", "SPACE") }
        if word.allSatisfy(\.isNumber) { return ("CD", "NUM") }
        if [".", "!", "?"].contains(word) { return (".", "PUNCT") }
        if word == "," { return (",", "PUNCT") }
        if word.allSatisfy({ $0.isPunctuation || $0.isSymbol }) { return (":", "PUNCT") }
        if word.first?.isUppercase == true { return ("NNP", "PROPN") }
        return ("NN", "NOUN")
    }
}
