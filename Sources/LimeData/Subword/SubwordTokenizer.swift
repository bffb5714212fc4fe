import Foundation

/// A subword tokenizer lime can align annotations to: a SentencePiece model or a Hugging
/// Face `tokenizer.json`. Implementations are read-only once loaded, so one instance
/// serves every worker thread.
public protocol SubwordTokenizer: AnyObject, Sendable {
    /// The model file and its SHA-256 (hex and raw), which identify it in shards,
    /// manifests and provenance.
    var path: String { get }
    var sha256: String { get }
    var sha256Bytes: [UInt8] { get }
    /// What kind of file it is (`sentencepiece`, `huggingface-bpe`), for provenance.
    var kind: String { get }
    var vocabSize: Int { get }
    /// Piece strings as the model stores them, and the bytes each id decodes to.
    var pieces: [String] { get }
    var pieceBytes: [[UInt8]] { get }
    /// The id placed after every document when windows are packed for training.
    var documentSeparatorID: Int32? { get }

    /// Encodes UTF-8 bytes into piece ids, appending them to `ids`.
    func encode(_ bytes: UnsafeRawBufferPointer, into ids: inout [Int32]) throws
    /// Encodes UTF-8 bytes and reports the byte span of the input each piece covers.
    func encodeWithSpans(_ bytes: UnsafeRawBufferPointer) throws -> [(id: Int32, begin: Int, end: Int)]
}

extension SubwordTokenizer {
    /// Encodes a string into piece ids.
    public func encode(_ text: String) throws -> [Int32] {
        var ids: [Int32] = []
        var copy = text
        try copy.withUTF8 { try encode(UnsafeRawBufferPointer($0), into: &ids) }
        return ids
    }

    /// Decodes piece ids to bytes with the piece byte table (ids outside the vocabulary
    /// decode to nothing).
    public func decodeBytes<C: Collection>(_ ids: C) -> [UInt8] where C.Element: BinaryInteger {
        var out: [UInt8] = []
        out.reserveCapacity(ids.count * 4)
        for id in ids {
            let index = Int(id)
            if index >= 0 && index < pieceBytes.count { out.append(contentsOf: pieceBytes[index]) }
        }
        return out
    }
}
