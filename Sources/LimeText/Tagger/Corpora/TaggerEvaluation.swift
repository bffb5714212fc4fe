/// Agreement of predicted annotations with reference annotations on the same texts.
///
/// Tokens are matched by byte span (whitespace tokens excluded), so documents tagged
/// from differently tokenized text can be compared: token F1 measures tokenization
/// agreement, tag and UPOS accuracy count matched tokens, and entities are compared as
/// (start byte, end byte, type) spans.
public struct TaggerEvaluation: Sendable, Equatable {
    public var referenceTokens = 0
    public var predictedTokens = 0
    public var matchedTokens = 0
    public var tagCompared = 0, tagRight = 0
    public var posCompared = 0, posRight = 0
    public var referenceEntities = 0, predictedEntities = 0, matchedEntities = 0

    public init() {}

    /// Adds one document pair (same text).
    public mutating func add(reference: TaggedDocument, predicted: TaggedDocument) {
        let ref = Self.spans(reference), pred = Self.spans(predicted)
        referenceTokens += ref.count
        predictedTokens += pred.count
        var index: [Int64: Int] = [:]
        for k in pred { index[Int64(predicted.starts[k]) << 32 | Int64(predicted.ends[k])] = k }
        for r in ref {
            guard let p = index[Int64(reference.starts[r]) << 32 | Int64(reference.ends[r])] else { continue }
            matchedTokens += 1
            if let gold = reference.tags?[r], gold != TagSet.unknownID, let tags = predicted.tags {
                tagCompared += 1
                if tags[p] == gold { tagRight += 1 }
            }
            if let gold = reference.pos?[r], gold != TagSet.unknownID, let pos = predicted.pos {
                posCompared += 1
                if pos[p] == gold { posRight += 1 }
            }
        }
        if reference.ner != nil, predicted.ner != nil {
            let a = Set(Self.entities(reference)), b = Set(Self.entities(predicted))
            referenceEntities += a.count
            predictedEntities += b.count
            matchedEntities += a.intersection(b).count
        }
    }

    public var tagAccuracy: Double { Self.ratio(tagRight, tagCompared) }
    public var posAccuracy: Double { Self.ratio(posRight, posCompared) }
    public var tokenPrecision: Double { Self.ratio(matchedTokens, predictedTokens) }
    public var tokenRecall: Double { Self.ratio(matchedTokens, referenceTokens) }
    public var tokenF1: Double { Self.f1(tokenPrecision, tokenRecall) }
    public var entityPrecision: Double { Self.ratio(matchedEntities, predictedEntities) }
    public var entityRecall: Double { Self.ratio(matchedEntities, referenceEntities) }
    public var entityF1: Double { Self.f1(entityPrecision, entityRecall) }

    /// A one-paragraph report in percent.
    public var report: String {
        func p(_ x: Double) -> String { String(format: "%.2f%%", 100 * x) }
        return """
        tokens: reference \(referenceTokens), predicted \(predictedTokens), token F1 \(p(tokenF1))
        tag accuracy \(p(tagAccuracy)) (\(tagRight)/\(tagCompared)), pos accuracy \(p(posAccuracy)) (\(posRight)/\(posCompared))
        entities: reference \(referenceEntities), predicted \(predictedEntities), precision \(p(entityPrecision)), recall \(p(entityRecall)), F1 \(p(entityF1))
        """
    }

    static func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
    static func f1(_ p: Double, _ r: Double) -> Double { p + r == 0 ? 0 : 2 * p * r / (p + r) }

    /// Indices of the non-whitespace tokens.
    static func spans(_ doc: TaggedDocument) -> [Int] {
        doc.text.withUnsafeBufferPointer { text in
            (0..<doc.count).filter {
                !isWhitespaceToken(text.baseAddress! + Int(doc.starts[$0]), Int(doc.ends[$0] - doc.starts[$0]))
            }
        }
    }

    struct Entity: Hashable { var start: Int32, end: Int32, type: Int }

    /// Entity spans of an IOB2 sequence (an `I-` without its `B-` starts an entity).
    static func entities(_ doc: TaggedDocument) -> [Entity] {
        guard let ner = doc.ner else { return [] }
        var out: [Entity] = []
        var current: Entity? = nil
        let offset = TagSet.reserved.count + 1  // first B- id
        for k in 0..<doc.count {
            let id = Int(ner[k])
            let isEntity = id >= offset
            let type = isEntity ? (id - offset) / 2 : -1
            let inside = isEntity && (id - offset) % 2 == 1
            if let c = current, inside, c.type == type {
                current!.end = doc.ends[k]
                continue
            }
            if let c = current { out.append(c) }
            current = isEntity ? Entity(start: doc.starts[k], end: doc.ends[k], type: type) : nil
        }
        if let c = current { out.append(c) }
        return out
    }
}
