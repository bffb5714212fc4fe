import Foundation
import LimeText
import LimeTransformer

/// Where an evaluation takes the metadata it feeds the model.
public enum MetadataSource: String, Codable, CaseIterable, Sendable {
    /// The annotator's metadata from the data (for `lime+1`, the true tags of the token to
    /// predict, which a user generating text does not have).
    case oracle
    /// `lime+1` fed by its own head, as `Generator` runs it without a guide; tokens are the
    /// true ones (as in the other modes, so all modes score the same targets), metadata
    /// never. Position `i` predicts `t_{i+1}` either within the current word (fed the
    /// word's metadata) or as a new word (fed the head's prediction at position `i - 1`, its
    /// last position whose inputs are all decided): the piece's probability is
    /// `P_cur(t)` for a continuation piece and `P_cur(word start) * P_new(t | word start)`
    /// for a word-initial one, the generator's two-step choice. The first position's
    /// current word is the window's first token's own (its "prompt"); no earlier position
    /// predicts a new word there, so it gets `<unk>`. The greedy choice is the generator's
    /// (its cap on pieces per word, a guard against loops, is not applied).
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

    /// The `predicted` mode on one batch: two forward passes per position over the prefix
    /// up to it (there is no KV cache), about `length` times the cost of `oracle`. `head`
    /// then scores the head's new-word predictions (positions 1 and on) where a word starts.
    mutating func addPredicted(model: Transformer, spec: VariantSpec, batch: Transformer.Batch, windows: [TrainingWindow], wordStarts: [Bool]) throws {
        let length = batch.length, count = batch.batch, v = model.config.vocabSize
        let unknown = Int32(TagSet.unknownID)
        let classes = model.config.metadataVocabSizes
        var fed = batch.metadata.map { [Int32](repeating: unknown, count: $0.count) }
        // Per kind and window: the current word's metadata, and the head's choice for a new word.
        var current = spec.metadata.map { kind in windows.map { Int32($0.metadata(kind)[0]) } }
        var next = spec.metadata.map { _ in [Int32](repeating: unknown, count: count) }
        // The cross-entropy of `next` against the true metadata of the following position.
        var nextLoss = spec.metadata.map { _ in [Double](repeating: 0, count: count) }
        for i in 0..<length {
            let n = i + 1
            /// Token logits and head logits at position `i` of each window, fed `last` there.
            func forward(_ last: [[Int32]]) throws -> (tokens: [Float], head: [[Float]]) {
                var prefix = Transformer.Batch(batch: count, length: n, tokens: [], metadata: fed.map { _ in [] })
                for w in 0..<count {
                    prefix.tokens += batch.tokens[(w * length)..<(w * length + n)]
                    for k in fed.indices { prefix.metadata[k] += fed[k][(w * length)..<(w * length + i)] + [last[k][w]] }
                }
                /// Row `i` of each window in `rows` (`width` floats per row), end to end.
                func lastRows(_ rows: UnsafeBufferPointer<Float>, _ width: Int) -> [Float] {
                    var out: [Float] = []
                    out.reserveCapacity(count * width)
                    for w in 0..<count {
                        let r = w * n + i
                        out += rows[(r * width)..<(r * width + width)]
                    }
                    return out
                }
                let tokens = lastRows(try model.logits(prefix), v)
                let head = classes.indices.map { k in lastRows(model.metadataLogits(kind: k), classes[k]) }
                return (tokens, head)
            }
            let within = try forward(current), fresh = try forward(next)
            for w in 0..<count {
                let target = Int(windows[w].tokens[i + 1])
                let (loss, choice) = within.tokens[(w * v)..<((w + 1) * v)].withUnsafeBufferPointer { a in
                    fresh.tokens[(w * v)..<((w + 1) * v)].withUnsafeBufferPointer { b in
                        Self.twoStep(within: a, fresh: b, target: target, wordStarts: wordStarts)
                    }
                }
                record(loss: loss, correct: choice == target, window: windows[w], position: i)
                let startsWord = wordStarts[target]
                let taken = startsWord ? fresh : within
                for (k, kind) in spec.metadata.enumerated() {
                    let fedID = startsWord ? next[k][w] : current[k][w]
                    if startsWord && i > 0 {
                        head?[kind.rawValue, default: Group()].add(loss: nextLoss[k][w], correct: next[k][w] == batch.metadata[k][w * length + i])
                    }
                    fed[k][w * length + i] = fedID
                    current[k][w] = fedID
                    let row = taken.head[k][(w * classes[k])..<((w + 1) * classes[k])]
                    row.withUnsafeBufferPointer { r in
                        next[k][w] = Int32(MetadataPrediction.greedy(r))
                        if i + 1 < length { nextLoss[k][w] = MetadataPrediction.loss(r, target: Int(batch.metadata[k][w * length + i + 1])) }
                    }
                }
            }
        }
    }

    /// The generator's two-step distribution over the next piece: `within` continues the
    /// current word, `fresh` starts a new one (masked to word-initial pieces). Returns the
    /// loss of `target` and the greedy choice (`within`'s argmax unless that starts a word,
    /// then `fresh`'s best word-initial piece).
    static func twoStep(within a: UnsafeBufferPointer<Float>, fresh b: UnsafeBufferPointer<Float>, target: Int, wordStarts: [Bool]) -> (Double, Int) {
        func logSums(_ z: UnsafeBufferPointer<Float>) -> (all: Double, starts: Double) {
            let mx = z.max()!
            var all = 0.0, starts = 0.0
            for j in z.indices {
                let e = exp(Double(z[j] - mx))
                all += e
                if wordStarts[j] { starts += e }
            }
            return (log(all) + Double(mx), log(starts) + Double(mx))
        }
        let la = logSums(a)
        let logProb: Double
        if wordStarts[target] {
            let lb = logSums(b)
            logProb = (la.starts - la.all) + (Double(b[target]) - lb.starts)
        } else {
            logProb = Double(a[target]) - la.all
        }
        var best = 0
        for j in a.indices where a[j] > a[best] { best = j }
        if wordStarts[best] {
            best = -1
            for j in b.indices where wordStarts[j] && (best < 0 || b[j] > b[best]) { best = j }
        }
        return (-logProb, best)
    }

    /// One line per metadata source: loss, perplexity, accuracy and the head's accuracy per kind.
    public func modesReport() -> String {
        var rows: [(String, Evaluation)] = [("oracle", self)]
        for source in MetadataSource.allCases where source != .oracle {
            if let e = modes?[source.rawValue] { rows.append((source.rawValue, e)) }
        }
        let kinds = MetadataKind.allCases.map(\.rawValue).filter { head?[$0] != nil }
        func cell(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
        var out = ["metadata  " + cell("targets", 9) + cell("loss", 10) + cell("ppl", 11) + cell("acc", 10) + kinds.map { cell("head " + $0, 10) }.joined()]
        for (name, e) in rows {
            let g = e.overall
            let numbers = cell("\(g.count)", 9) + cell(String(format: "%.4f", g.meanLoss), 10) + cell(String(format: "%.2f", g.perplexity), 11)
                + cell(String(format: "%.4f", g.accuracy), 10)
            out.append(name.padding(toLength: 10, withPad: " ", startingAt: 0) + numbers
                + kinds.map { cell(e.head?[$0].map { String(format: "%.4f", $0.accuracy) } ?? "-", 10) }.joined())
        }
        return out.joined(separator: "\n")
    }
}
