/// A document with tokens and (some of) their labels, for training and evaluation.
/// Labels are tag-set ids (`TagSets`); `nil` arrays mean the source has no such labels
/// (CoNLL-U has no entities), and `TagSet.unknownID` marks a label outside the set.
public struct TaggedDocument: Sendable, Equatable {
    /// Where the document comes from (`file:line`), for messages.
    public var source: String
    /// The document's UTF-8 text; token spans are byte offsets into it.
    public var text: [UInt8]
    public var starts: [Int32]
    public var ends: [Int32]
    public var tags: [UInt8]?
    public var pos: [UInt8]?
    public var ner: [UInt8]?

    public init(source: String, text: [UInt8], starts: [Int32], ends: [Int32],
                tags: [UInt8]?, pos: [UInt8]?, ner: [UInt8]?) {
        self.source = source
        self.text = text
        self.starts = starts
        self.ends = ends
        self.tags = tags
        self.pos = pos
        self.ner = ner
    }

    public var count: Int { starts.count }

    /// The token spans, as `TaggerSession.annotate` takes them.
    public var spans: [(start: Int32, end: Int32)] { zip(starts, ends).map { ($0, $1) } }

    /// The document built from annotated tokens (a model's output).
    public init(source: String, text: [UInt8], tokens: [AnnotatedToken]) {
        self.init(source: source, text: text, starts: tokens.map(\.start), ends: tokens.map(\.end),
                  tags: tokens.map(\.tag), pos: tokens.map(\.pos), ner: tokens.map(\.ner))
    }
}
