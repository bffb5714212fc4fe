/// One linguistic token of a document: a UTF-8 byte span and its three labels
/// (ids in `TagSets.tag`, `TagSets.pos`, `TagSets.ner`).
public struct AnnotatedToken: Equatable, Sendable {
    /// Byte offset of the token's first byte in the document's UTF-8 text.
    public var start: Int32
    /// Byte offset one past the token's last byte.
    public var end: Int32
    public var tag: UInt8
    public var pos: UInt8
    public var ner: UInt8

    public init(start: Int32, end: Int32, tag: UInt8, pos: UInt8, ner: UInt8) {
        self.start = start
        self.end = end
        self.tag = tag
        self.pos = pos
        self.ner = ner
    }
}

/// A document handed to an annotator: raw text, or words already tokenized.
public enum AnnotatorDocument: Sendable, Equatable {
    /// Raw text: the annotator pre-tokenizes it.
    case text(String)
    /// Already tokenized: the document is the words joined by single spaces, and the
    /// annotator must keep exactly these tokens.
    case words([String])

    /// The UTF-8 text the token offsets refer to.
    public var text: String {
        switch self {
        case .text(let text): return text
        case .words(let words): return words.joined(separator: " ")
        }
    }
}

/// Why an annotator could not annotate one document.
public struct AnnotatorFailure: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Pre-tokenizes and annotates documents with POS tags and named entities.
///
/// One instance is used by one thread at a time; the pipeline makes one per worker.
/// A failure on one document is returned for that document alone, so its neighbours
/// in the batch are kept. Throwing means the annotator as a whole is unusable.
public protocol Annotator: AnyObject {
    /// Short backend name (`native`, `spacy`).
    var name: String { get }
    /// What identifies the annotator's behaviour for provenance: versions and content
    /// hashes of its model files.
    var fingerprint: [String: String] { get }
    /// Annotates a batch; the result has one entry per input document, in order.
    func annotate(_ documents: [AnnotatorDocument]) throws -> [Result<[AnnotatedToken], AnnotatorFailure>]
}
