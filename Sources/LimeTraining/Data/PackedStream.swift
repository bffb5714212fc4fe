import LimeText

/// Piece ids and their metadata laid end to end, documents followed by a separator
/// (the tokenizer's `</s>` piece, tagged `<sep>` in every tag set, a word start).
public struct PackedStream: Sendable, Equatable {
    public var tokens: [Int32] = []
    public var tag: [UInt8] = []
    public var pos: [UInt8] = []
    public var ner: [UInt8] = []
    public var wordStart: [UInt8] = []

    public init() {}

    public var count: Int { tokens.count }

    /// Appends a document's pieces, then the separator.
    public mutating func append(tokens t: [UInt32], tag a: [UInt8], pos p: [UInt8], ner n: [UInt8], wordStart w: [UInt8], separator: Int32) {
        tokens.reserveCapacity(tokens.count + t.count + 1)
        for id in t { tokens.append(Int32(id)) }
        tag += a
        pos += p
        ner += n
        wordStart += w
        tokens.append(separator)
        tag.append(TagSet.separatorID)
        pos.append(TagSet.separatorID)
        ner.append(TagSet.separatorID)
        wordStart.append(1)
    }

    /// The metadata ids of `kind` (one per token).
    public func metadata(_ kind: MetadataKind) -> [UInt8] {
        switch kind {
        case .tag: return tag
        case .pos: return pos
        case .ner: return ner
        }
    }

    /// Window `index` of length `length + 1` (inputs and the final target): tokens
    /// `index * length ..< index * length + length + 1`, so consecutive windows share one token.
    public func window(_ index: Int, length: Int) -> TrainingWindow {
        let range = (index * length)..<(index * length + length + 1)
        return TrainingWindow(
            tokens: Array(tokens[range]), tag: Array(tag[range]), pos: Array(pos[range]), ner: Array(ner[range]),
            wordStart: Array(wordStart[range]))
    }

    /// How many full windows of `length` fit.
    public func windowCount(length: Int) -> Int { count > length ? (count - 1) / length : 0 }
}

/// `length + 1` consecutive packed tokens with metadata: inputs are `0..<length`,
/// next-token targets `1...length`.
public struct TrainingWindow: Sendable, Equatable {
    public var tokens: [Int32]
    public var tag: [UInt8]
    public var pos: [UInt8]
    public var ner: [UInt8]
    public var wordStart: [UInt8]

    public var length: Int { tokens.count - 1 }

    public func metadata(_ kind: MetadataKind) -> [UInt8] {
        switch kind {
        case .tag: return tag
        case .pos: return pos
        case .ner: return ner
        }
    }
}
