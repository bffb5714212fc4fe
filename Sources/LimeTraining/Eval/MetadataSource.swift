import Foundation
import LimeText
import LimeTransformer

/// Where an evaluation takes the metadata it feeds the model.
public enum MetadataSource: String, Codable, CaseIterable, Sendable {
    /// The annotator's metadata from the data (for `lime+1`, the true tags of the token to
    /// predict, which a user generating text does not have).
    case oracle
    /// The model's own head, fed step by step: position 0 gets `<unk>` (no earlier position
    /// predicts it), position `i >= 1` the head's greedy choice at position `i - 1`, which
    /// saw only the tokens before `i` and the metadata fed so far. Tokens are the true ones,
    /// as in the other modes, so all modes score the same targets.
    case predicted
    /// No metadata: every id `<unk>`.
    case none
}

extension Evaluation {
    /// Adds the head's accuracy per kind from the last forward pass against `targets`.
    mutating func addHead(model: Transformer, spec: VariantSpec, targets: [[Int32]]) {
        for (k, kind) in spec.metadata.enumerated() {
            let classes = model.config.metadataVocabSizes[k]
            let logits = model.metadataLogits(kind: k)
            var group = head?[kind.rawValue] ?? Group()
            for (r, target) in targets[k].enumerated() where target >= 0 {
                let row = UnsafeBufferPointer(rebasing: logits[(r * classes)..<((r + 1) * classes)])
                group.add(loss: MetadataPrediction.loss(row, target: Int(target)), correct: MetadataPrediction.greedy(row) == UInt8(target))
            }
            head?[kind.rawValue] = group
        }
    }

    /// The `predicted` mode on one batch: one forward pass per position over the prefix up
    /// to it (there is no KV cache), about `length / 2` times the cost of `oracle`. `head`
    /// then scores the ids actually fed (positions 1 and on) against the true ones.
    mutating func addPredicted(model: Transformer, spec: VariantSpec, batch: Transformer.Batch, windows: [TrainingWindow]) throws {
        let length = batch.length, count = batch.batch, v = model.config.vocabSize
        var fed = batch.metadata.map { [Int32](repeating: Int32(TagSet.unknownID), count: $0.count) }
        for i in 0..<length {
            let n = i + 1
            var prefix = Transformer.Batch(batch: count, length: n, tokens: [], metadata: fed.map { _ in [] })
            for w in 0..<count {
                prefix.tokens += batch.tokens[(w * length)..<(w * length + n)]
                for k in fed.indices { prefix.metadata[k] += fed[k][(w * length)..<(w * length + n)] }
            }
            let logits = try model.logits(prefix)
            for w in 0..<count { add(row: logits.baseAddress! + (w * n + i) * v, vocab: v, window: windows[w], position: i) }
            guard n < length else { break }
            for (k, kind) in spec.metadata.enumerated() {
                let classes = model.config.metadataVocabSizes[k]
                let rows = model.metadataLogits(kind: k)
                var group = head?[kind.rawValue] ?? Group()
                for w in 0..<count {
                    let r = w * n + i
                    let row = UnsafeBufferPointer(rebasing: rows[(r * classes)..<((r + 1) * classes)])
                    let id = MetadataPrediction.greedy(row)
                    let truth = batch.metadata[k][w * length + n]
                    fed[k][w * length + n] = Int32(id)
                    group.add(loss: MetadataPrediction.loss(row, target: Int(truth)), correct: Int32(id) == truth)
                }
                head?[kind.rawValue] = group
            }
        }
    }

    /// One line per metadata source: loss, perplexity, accuracy and the head's accuracy per kind.
    public func modesReport() -> String {
        var rows: [(String, Evaluation)] = [("oracle", self)]
        for source in MetadataSource.allCases where source != .oracle {
            if let e = modes?[source.rawValue] { rows.append((source.rawValue, e)) }
        }
        let kinds = (head ?? [:]).keys.sorted()
        var out = [String(format: "%-10@ %9@  %8@  %9@  %8@", "metadata" as NSString, "targets" as NSString, "loss" as NSString, "ppl" as NSString, "acc" as NSString)
            + kinds.map { "  head " + $0 }.joined()]
        for (name, e) in rows {
            let g = e.overall
            out.append(String(format: "%-10@ %9d  %8.4f  %9.2f  %8.4f", name as NSString, g.count, g.meanLoss, g.perplexity, g.accuracy)
                + kinds.map { e.head?[$0].map { String(format: "  %8.4f", $0.accuracy) } ?? "         -" }.joined())
        }
        return out.joined(separator: "\n")
    }
}
