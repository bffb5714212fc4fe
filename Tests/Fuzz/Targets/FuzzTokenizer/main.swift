import Foundation
import LimeData
import LimeFuzzSupport

/// The tokenizer-file loader: a SentencePiece model or a Hugging Face `tokenizer.json`,
/// told apart by content as `lime run --tokenizer` does. A tokenizer that loads must encode
/// text (a fixed sentence and the input's valid UTF-8) into ids below its vocabulary size,
/// with spans inside the text, and decode its pieces.
func fuzzTokenizer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    let name = "fuzz/tokenizer.model"
    guard let tokenizer = Fuzz.expectNamedError(name, { try TokenizerLoader.load(data: Data(bytes), path: name) }) else { return 0 }
    Fuzz.check(tokenizer.pieceBytes.count == tokenizer.vocabSize, "\(tokenizer.pieceBytes.count) pieces for \(tokenizer.vocabSize) ids")
    let sample = String(decoding: bytes.prefix(200), as: UTF8.self)
    for text in ["The cat sat on the mat. <|endoftext|> naïve café 東京 🙂", sample] {
        let utf8 = Array(text.utf8)
        let spans = Fuzz.expectNamedError(name) { try utf8.withUnsafeBytes { try tokenizer.encodeWithSpans($0) } } ?? []
        for (id, begin, end) in spans {
            Fuzz.check(id >= 0 && Int(id) < tokenizer.vocabSize, "id \(id) outside the vocabulary of \(tokenizer.vocabSize)")
            Fuzz.check(0 <= begin && begin <= end && end <= utf8.count, "span \(begin)..<\(end) outside \(utf8.count) bytes")
        }
        var ids: [Int32] = []
        _ = Fuzz.expectNamedError(name) { try utf8.withUnsafeBytes { try tokenizer.encode($0, into: &ids) } }
        Fuzz.check(ids.allSatisfy { $0 >= 0 && Int($0) < tokenizer.vocabSize }, "an id outside the vocabulary")
        _ = tokenizer.decodeBytes(ids)
    }
    return 0
}

// Last, after the globals above are initialized: libFuzzer runs `fuzzTokenizer` on every input.
Fuzz.main { fuzzTokenizer($0, $1) }
