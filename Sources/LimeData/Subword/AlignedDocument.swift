/// A document as subword pieces, each with its word's metadata: the unit a shard stores.
public struct AlignedDocument: Sendable, Equatable {
    public var id: String
    /// SentencePiece ids.
    public var tokens: [UInt32] = []
    /// Fine-grained tag, UPOS and IOB2 entity ids of each piece's linguistic token.
    public var tag: [UInt8] = []
    public var pos: [UInt8] = []
    public var ner: [UInt8] = []
    /// 1 where a piece is the first piece of its linguistic token.
    public var wordStart: [UInt8] = []

    public init(id: String) { self.id = id }

    public var count: Int { tokens.count }

    mutating func reserve(_ n: Int) {
        tokens.reserveCapacity(n)
        tag.reserveCapacity(n)
        pos.reserveCapacity(n)
        ner.reserveCapacity(n)
        wordStart.reserveCapacity(n)
    }
}
