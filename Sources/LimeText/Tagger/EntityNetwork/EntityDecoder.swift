import Foundation
import LimeCompute

/// Labels documents with one or more `EntityNetwork`s (an ensemble averages their
/// log-probabilities), decoding the most probable valid IOB2 sequence. One per thread.
final class EntityDecoder {
    let scorers: [EntityScorer]
    /// Tokens on each side: the widest of the networks' windows.
    let window: Int
    private var padded: [SpacyBuckets.Rows] = []
    private var slots: [Int] = []
    private var logProbabilities: [Float] = []
    private var backPointers: [UInt8] = []

    /// Whether labels are chosen greedily left to right (some network reads the history, or
    /// is causal: Viterbi would let later tokens change earlier labels) rather than by
    /// Viterbi over independent scores.
    let greedy: Bool

    /// With history and several networks, a token the first network labels `O` with at
    /// least this log-probability is `O` without asking the others: to outvote it they
    /// would have to prefer another label to `O` by more than e^5.3 (about 200 to 1) on
    /// average. Rarely changes a label (entity F1 on the validation text unchanged), and saves most of
    /// the other networks' work, since most tokens are plainly outside any entity.
    /// Nil: every network scores every token.
    let sureOutside: Float?
    /// Tokens labelled by the first network alone (see `sureOutside`).
    private(set) var skipped = 0

    init(networks: [EntityNetwork], sureOutside: Float? = log(0.995)) {
        precondition(!networks.isEmpty)
        self.sureOutside = sureOutside
        scorers = networks.map { EntityScorer(network: $0) }
        window = networks.map(\.window).max()!
        greedy = networks.contains { $0.history || $0.causal }
    }

    /// Labels one document: `rows` are all its tokens' spaCy rows (whitespace tokens
    /// included: they are context, as in spaCy), `isSpace` marks whitespace tokens, which
    /// get `O`. Writes one class per token into `out` (0 = `O`, then `B-T`, `I-T`): the most
    /// probable valid IOB2 sequence within each run of non-whitespace tokens, or with
    /// history, the most probable valid label of each token in turn.
    func decode(rows: UnsafeBufferPointer<SpacyBuckets.Rows>, isSpace: UnsafeBufferPointer<Bool>,
                into out: UnsafeMutablePointer<Int>) {
        let n = rows.count, classes = EntityNetwork.classes
        if logProbabilities.count < n * classes {
            logProbabilities = [Float](repeating: 0, count: n * classes)
            backPointers = [UInt8](repeating: 0, count: n * classes)
        }
        padded.removeAll(keepingCapacity: true)
        for _ in 0..<window { padded.append(SpacyBuckets.padding) }
        padded.append(contentsOf: rows)
        for _ in 0..<window { padded.append(SpacyBuckets.padding) }
        slots.removeAll(keepingCapacity: true)
        for r in padded { slots.append(EntityScorer.cacheHash(r)) }
        let weight = 1 / Float(scorers.count)
        // The first network's weighted log-probability of `O` that settles a token (see `sureOutside`).
        let settled = greedy && scorers.count > 1 ? sureOutside.map { weight * $0 } ?? 1 : 1
        padded.withUnsafeBufferPointer { pr in
            slots.withUnsafeBufferPointer { sl in
                for scorer in scorers {
                    // A narrower network reads the middle of the widest window.
                    let shift = window - scorer.network.window
                    scorer.prepare(padded: UnsafeBufferPointer(rebasing: pr[shift..<(pr.count - shift)]), hashes: sl.baseAddress! + shift)
                }
                var runStart = 0, previous = 0, start = -1
                for i in 0...n {
                    if i == n || isSpace[i] {
                        if i > runStart && !greedy { viterbi(runStart, i, out) }
                        if i < n { out[i] = 0 }
                        runStart = i + 1
                        previous = 0
                        continue
                    }
                    logProbabilities.withUnsafeMutableBufferPointer { lp in
                        let row = lp.baseAddress! + i * classes
                        for c in 0..<classes { row[c] = 0 }
                        for (k, scorer) in scorers.enumerated() {
                            scorer.addLogProbabilities(at: i, previous: previous, start: previous == 0 ? -1 : start,
                                                       weight: weight, into: row)
                            if k == 0 && row[0] >= settled {
                                row[0] = 0  // above every other (weighted log-probabilities are <= 0)
                                skipped += 1
                                break
                            }
                        }
                        if greedy {
                            var best = 0
                            for c in 1..<classes where row[c] > row[best] && TaggerClasses.validEntity(c, after: previous) { best = c }
                            out[i] = best
                            if best & 1 == 1 { start = i }
                            previous = best
                        }
                    }
                }
            }
        }
    }

    /// Viterbi over tokens `start..<end` (IOB2: `I-T` only after `B-T` or `I-T`).
    private func viterbi(_ start: Int, _ end: Int, _ out: UnsafeMutablePointer<Int>) {
        let classes = EntityNetwork.classes
        logProbabilities.withUnsafeMutableBufferPointer { lpb in
            backPointers.withUnsafeMutableBufferPointer { bpb in
                let lp = lpb.baseAddress!, bp = bpb.baseAddress!
                // In place: lp becomes the best path score ending in each class.
                for c in stride(from: 2, to: classes, by: 2) { lp[start * classes + c] = -.infinity }
                for i in (start + 1)..<max(end, start + 1) {
                    let prev = lp + (i - 1) * classes, cur = lp + i * classes
                    var bestAny = 0
                    for c in 1..<classes where prev[c] > prev[bestAny] { bestAny = c }
                    for c in 0..<classes {
                        if c == 0 || c & 1 == 1 {
                            cur[c] += prev[bestAny]
                            bp[i * classes + c] = UInt8(bestAny)
                        } else {
                            let from = prev[c - 1] >= prev[c] ? c - 1 : c
                            cur[c] += prev[from]
                            bp[i * classes + c] = UInt8(from)
                        }
                    }
                }
                let last = lp + (end - 1) * classes
                var c = 0
                for k in 1..<classes where last[k] > last[c] { c = k }
                var i = end - 1
                while true {
                    out[i] = c
                    if i == start { break }
                    c = Int(bp[i * classes + c])
                    i -= 1
                }
            }
        }
    }
}
