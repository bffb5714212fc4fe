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

/// A variant with its metadata kinds: decides the model's tables and the batch layout.
public struct VariantSpec: Codable, Equatable, Sendable {
    public var variant: Variant
    public var metadata: [MetadataKind]

    /// `baseline` carries no metadata; the others need at least one kind (default `tag`).
    public init(variant: Variant, metadata: [MetadataKind] = [.tag]) throws {
        self.variant = variant
        self.metadata = variant == .baseline ? [] : metadata
        if variant != .baseline && metadata.isEmpty { throw TrainerError("variant \(variant.rawValue) needs at least one metadata kind") }
    }

    /// Metadata table sizes for `ModelConfig.metadataVocabSizes`.
    public var metadataVocabSizes: [Int] { metadata.map { $0.tagSet.count } }

    /// The transformer batch for windows of equal length: tokens `0..<L`, targets
    /// `1...L`, metadata of the same positions (`lime`) or shifted by one (`lime+1`).
    public func batch(_ windows: [TrainingWindow]) -> Transformer.Batch {
        let length = windows[0].length
        var tokens: [Int32] = [], targets: [Int32] = []
        tokens.reserveCapacity(windows.count * length)
        targets.reserveCapacity(windows.count * length)
        var meta = [[Int32]](repeating: [], count: metadata.count)
        let shift = variant == .limePlus1 ? 1 : 0
        for w in windows {
            tokens += w.tokens[0..<length]
            targets += w.tokens[1...length]
            for (k, kind) in metadata.enumerated() {
                let ids = w.metadata(kind)
                meta[k] += ids[shift..<(shift + length)].map { Int32($0) }
            }
        }
        return Transformer.Batch(batch: windows.count, length: length, tokens: tokens, metadata: meta, targets: targets)
    }

    /// Parameters of the metadata tables and their scalars.
    public func metadataParameters(dModel: Int) -> Int { metadataVocabSizes.reduce(0) { $0 + $1 * dModel + 1 } }
}
