import Foundation
import LimeTransformer
import LimeText

/// A metadata kind stored in the shards.
public enum MetadataKind: String, Codable, CaseIterable, Sendable {
    case tag, pos, ner

    /// The kind's tag set (its size is the embedding table's row count).
    public var tagSet: TagSet {
        switch self {
        case .tag: return TagSets.tag
        case .pos: return TagSets.pos
        case .ner: return TagSets.ner
        }
    }

    /// Parses a comma-separated list such as `tag,ner` (no duplicates).
    public static func parseList(_ text: String) throws -> [MetadataKind] {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var kinds: [MetadataKind] = []
        for name in names {
            guard let kind = MetadataKind(rawValue: name) else {
                throw TrainerError("unknown metadata kind '\(name)' (expected tag, pos or ner)")
            }
            if kinds.contains(kind) { throw TrainerError("metadata kind '\(name)' given twice") }
            kinds.append(kind)
        }
        return kinds
    }
}

/// The model variants of the ablation, all on the same transformer.
public enum Variant: String, Codable, CaseIterable, Sendable {
    /// Token embeddings only.
    case baseline
    /// `E = E_tok + sum_d w_d E_d(a_{i,d})`: each position gets its own token's metadata.
    case lime
    /// Position `i` gets the metadata of token `i + 1` (the one it predicts).
    case limePlus1 = "lime+1"
}

/// A variant with its metadata kinds: decides the model's tables, its optional metadata
/// head and the batch layout.
public struct VariantSpec: Codable, Equatable, Sendable {
    public var variant: Variant
    public var metadata: [MetadataKind]
    /// Whether the model has a metadata-prediction head. At position `i`, fed the metadata
    /// of token `j = i + shift` (`shift` 0 for `lime`, 1 for `lime+1`), it predicts per kind
    /// the metadata of the next word: of the first word-initial piece after `j`. Pieces of
    /// a word share its metadata, so that is the only metadata still to be chosen, and
    /// position `i` has every input it needs (for `lime+1` it cannot be asked about
    /// `a_{i+1}`, which it is fed). Generation and the `predicted` evaluation feed the
    /// predictions back word by word (see `Generator` and `MetadataSource`).
    public var metadataHead: Bool

    /// `baseline` carries no metadata (and no head); the others need at least one kind (default `tag`).
    public init(variant: Variant, metadata: [MetadataKind] = [.tag], metadataHead: Bool = false) throws {
        self.variant = variant
        self.metadata = variant == .baseline ? [] : metadata
        self.metadataHead = metadataHead
        if variant != .baseline && metadata.isEmpty { throw TrainerError("variant \(variant.rawValue) needs at least one metadata kind") }
        if variant == .baseline && metadataHead { throw TrainerError("the baseline has no metadata to predict: --metadata-head needs lime or lime+1") }
    }

    enum CodingKeys: String, CodingKey { case variant, metadata, metadataHead }

    /// Decodes a spec; `metadataHead` is absent in older runs (no head).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        variant = try c.decode(Variant.self, forKey: .variant)
        metadata = try c.decode([MetadataKind].self, forKey: .metadata)
        metadataHead = try c.decodeIfPresent(Bool.self, forKey: .metadataHead) ?? false
    }

    /// Encodes `metadataHead` only when set, so head-less runs keep their run.json and checkpoint bytes.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(variant, forKey: .variant)
        try c.encode(metadata, forKey: .metadata)
        if metadataHead { try c.encode(true, forKey: .metadataHead) }
    }

    /// How many positions after a position's own token its metadata input lies (0 or 1).
    public var metadataShift: Int { variant == .limePlus1 ? 1 : 0 }

    /// Metadata table sizes for `ModelConfig.metadataVocabSizes`.
    public var metadataVocabSizes: [Int] { metadata.map { $0.tagSet.count } }

    /// The transformer batch for windows of equal length: tokens `0..<L`, targets
    /// `1...L`, metadata of the same positions (`lime`) or shifted by one (`lime+1`); with
    /// a head, its targets (the next word's metadata; `-1` when no word starts in the window).
    public func batch(_ windows: [TrainingWindow]) -> Transformer.Batch {
        let length = windows[0].length
        var tokens: [Int32] = [], targets: [Int32] = []
        tokens.reserveCapacity(windows.count * length)
        targets.reserveCapacity(windows.count * length)
        var meta = [[Int32]](repeating: [], count: metadata.count)
        var headTargets = [[Int32]](repeating: [], count: metadataHead ? metadata.count : 0)
        let shift = metadataShift
        var nextStart = [Int](repeating: -1, count: length + 2)
        for w in windows {
            if metadataHead {
                // nextStart[j]: the first word start at index >= j (-1: none in the window).
                for j in stride(from: length, through: 0, by: -1) { nextStart[j] = w.wordStart[j] == 1 ? j : nextStart[j + 1] }
            }
            tokens += w.tokens[0..<length]
            targets += w.tokens[1...length]
            for (k, kind) in metadata.enumerated() {
                let ids = w.metadata(kind)
                meta[k] += ids[shift..<(shift + length)].map { Int32($0) }
                if metadataHead {
                    headTargets[k] += (0..<length).map { i in
                        let j = nextStart[min(i + shift + 1, length + 1)]
                        return j >= 0 ? Int32(ids[j]) : -1
                    }
                }
            }
        }
        return Transformer.Batch(batch: windows.count, length: length, tokens: tokens, metadata: meta, targets: targets, metadataTargets: headTargets)
    }

    /// Parameters of the metadata tables and their scalars.
    public func metadataParameters(dModel: Int) -> Int { metadataVocabSizes.reduce(0) { $0 + $1 * dModel + 1 } }

    /// Parameters of the metadata head (a `dModel x rows` matrix and `rows` biases per kind; 0 without).
    public func headParameters(dModel: Int) -> Int { metadataHead ? metadataVocabSizes.reduce(0) { $0 + $1 * (dModel + 1) } : 0 }
}
