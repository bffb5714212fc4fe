import Foundation
import LimeText
import LimeTransformer

/// Loss and next-token accuracy, overall and broken down by the target's tag and by its
/// piece position within the word.
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

    public init() {}

    /// Evaluates `windows` in batches of the model's `maxBatch`.
    public static func run(model: Transformer, spec: VariantSpec, windows: [TrainingWindow]) throws -> Evaluation {
        var result = Evaluation()
        let v = model.config.vocabSize
        var start = 0
        while start < windows.count {
            let chunk = Array(windows[start..<min(windows.count, start + model.maxBatch)])
            start += chunk.count
            let batch = spec.batch(chunk)
            let logits = try model.logits(batch)
            let length = batch.length
            for (w, window) in chunk.enumerated() {
                for i in 0..<length {
                    let row = logits.baseAddress! + (w * length + i) * v
                    var best = 0
                    var mx = row[0]
                    for j in 1..<v where row[j] > mx { mx = row[j]; best = j }
                    var sum = 0.0
                    for j in 0..<v { sum += Foundation.exp(Double(row[j] - mx)) }
                    let target = Int(window.tokens[i + 1])
                    let loss = log(sum) - Double(row[target] - mx)
                    let correct = best == target
                    result.overall.add(loss: loss, correct: correct)
                    result.byTag[TagSets.tag.label(window.tag[i + 1]), default: Group()].add(loss: loss, correct: correct)
                    result.byPiece[window.wordStart[i + 1] == 1 ? "first" : "continuation", default: Group()].add(loss: loss, correct: correct)
                }
            }
        }
        return result
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
