import Foundation
import LimeText
import LimeTransformer

/// Loss and next-token accuracy, overall and broken down by the target's tag and by its
/// piece position within the word; for a model with a metadata head, the head's accuracy
/// per kind; for `lime eval`, the same for other sources of the metadata fed (`modes`).
public struct Evaluation: Codable, Equatable, Sendable {
    /// Summed loss (nats), correct predictions and count of one group of targets.
    public struct Group: Codable, Equatable, Sendable {
        public var loss = 0.0
        public var correct = 0
        public var count = 0
        public var meanLoss: Double { count > 0 ? loss / Double(count) : .nan }
        public var perplexity: Double { exp(meanLoss) }
        public var accuracy: Double { count > 0 ? Double(correct) / Double(count) : .nan }
        mutating func add(loss l: Double, correct c: Bool) { loss += l; correct += c ? 1 : 0; count += 1 }
    }

    public var overall = Group()
    /// By the fine-grained tag label of the target token.
    public var byTag: [String: Group] = [:]
    /// `first` (the target starts its word) and `continuation`.
    public var byPiece: [String: Group] = [:]
    /// The metadata head's predictions per kind (`tag`, `pos`, `ner`) against the metadata
    /// the next position is fed; `nil` without a head.
    public var head: [String: Group]?
    /// The same evaluation with the metadata fed from another source, keyed by
    /// `MetadataSource` (`predicted`, `none`); this one is `oracle`. Set by `lime eval`.
    public var modes: [String: Evaluation]?

    public init() {}

    /// Evaluates `windows` in batches of the model's `maxBatch`, feeding metadata from
    /// `source`; `predicted` needs `wordStarts` (`PieceWords.table` of the tokenizer).
    public static func run(
        model: Transformer, spec: VariantSpec, windows: [TrainingWindow], source: MetadataSource = .oracle, wordStarts: [Bool] = []
    ) throws -> Evaluation {
        var result = Evaluation()
        if model.config.metadataHead { result.head = [:] }
        if source == .predicted {
            guard spec.variant == .limePlus1 && model.config.metadataHead else {
                throw TrainerError("the predicted mode needs a lime+1 model with a metadata head (lime train --metadata-head)")
            }
            guard wordStarts.count == model.config.vocabSize else { throw TrainerError("the predicted mode needs the word-start table of the vocabulary") }
        }
        let v = model.config.vocabSize
        var start = 0
        while start < windows.count {
            let chunk = Array(windows[start..<min(windows.count, start + model.maxBatch)])
            start += chunk.count
            var batch = spec.batch(chunk)
            if source == .predicted {
                try result.addPredicted(model: model, spec: spec, batch: batch, windows: chunk, wordStarts: wordStarts)
                continue
            }
            if source == .none { batch.metadata = batch.metadata.map { [Int32](repeating: Int32(TagSet.unknownID), count: $0.count) } }
            let logits = try model.logits(batch)
            let length = batch.length
            for (w, window) in chunk.enumerated() {
                for i in 0..<length { result.add(row: logits.baseAddress! + (w * length + i) * v, vocab: v, window: window, position: i) }
            }
            if model.config.metadataHead { result.addHead(model: model, spec: spec, targets: batch.metadataTargets) }
        }
        return result
    }

    /// Scores one row of next-token logits against the target after `position` of `window`.
    mutating func add(row: UnsafePointer<Float>, vocab v: Int, window: TrainingWindow, position i: Int) {
        var best = 0
        var mx = row[0]
        for j in 1..<v where row[j] > mx { mx = row[j]; best = j }
        var sum = 0.0
        for j in 0..<v { sum += Foundation.exp(Double(row[j] - mx)) }
        let target = Int(window.tokens[i + 1])
        record(loss: log(sum) - Double(row[target] - mx), correct: best == target, window: window, position: i)
    }

    /// Adds one scored target (the token after `position` of `window`) to every breakdown.
    mutating func record(loss: Double, correct: Bool, window: TrainingWindow, position i: Int) {
        overall.add(loss: loss, correct: correct)
        byTag[TagSets.tag.label(window.tag[i + 1]), default: Group()].add(loss: loss, correct: correct)
        byPiece[window.wordStart[i + 1] == 1 ? "first" : "continuation", default: Group()].add(loss: loss, correct: correct)
    }

    /// A plain-text report: overall, by piece position, then tags by frequency.
    public func report(minimumCount: Int = 1) -> String {
        func line(_ name: String, _ g: Group) -> String {
            String(format: "%-14@ %9d  loss %.4f  ppl %9.2f  acc %.4f", name as NSString, g.count, g.meanLoss, g.perplexity, g.accuracy)
        }
        var out = [line("overall", overall), ""]
        for key in ["first", "continuation"] { if let g = byPiece[key] { out.append(line("piece:" + key, g)) } }
        out.append("")
        for (tag, g) in byTag.sorted(by: { ($0.value.count, $1.key) > ($1.value.count, $0.key) }) where g.count >= minimumCount {
            out.append(line("tag:" + tag, g))
        }
        return out.joined(separator: "\n")
    }
}
