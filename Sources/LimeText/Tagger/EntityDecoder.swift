import Foundation

/// Scores tokens with one `EntityNetwork`: scratch buffers and a cache, one per thread.
///
/// Layer 1 is linear in the token vectors, so each distinct token's contributions to it at
/// every window offset (`window[o] · v(j)`) are computed once and cached, keyed by its
/// spaCy rows; tokens repeat, so most cost a few vector additions. The cache is
/// direct-mapped and a miss recomputes the same numbers, so results never depend on it.
final class EntityScorer {
    let network: EntityNetwork
    private let layout: EntityNetwork.Layout
    static let slotCount = 8192
    private let slotCount = EntityScorer.slotCount
    private var keys: [SpacyBuckets.Rows]
    private var filled: [Bool]
    private var contributions: [Float]
    private var rowStarts = [Int](repeating: 0, count: 16)
    private var x: [Float], v: [Float], h1: [Float], h2: [Float], scores: [Float]

    init(network: EntityNetwork) {
        self.network = network
        layout = network.layout
        keys = [SpacyBuckets.Rows](repeating: .init(), count: slotCount)
        filled = [Bool](repeating: false, count: slotCount)
        contributions = [Float](repeating: 0, count: slotCount * network.windowWidth)
        x = [Float](repeating: 0, count: EntityNetwork.attributes * network.embedding)
        v = [Float](repeating: 0, count: network.tokenWidth)
        h1 = [Float](repeating: 0, count: network.hidden)
        h2 = [Float](repeating: 0, count: network.hidden)
        scores = [Float](repeating: 0, count: EntityNetwork.classes)
    }

    /// The cache slot of a token's rows (a hash of the 16 row numbers).
    @inline(__always)
    static func slot(_ rows: SpacyBuckets.Rows) -> Int {
        var h: UInt64 = 0x9e37_79b9_7f4a_7c15
        for k in stride(from: 0, to: 16, by: 4) {
            let value = UInt64(rows[k]) | UInt64(rows[k + 1]) << 16 | UInt64(rows[k + 2]) << 32 | UInt64(rows[k + 3]) << 48
            h = (h ^ value) &* 0xff51_afd7_ed55_8ccd
        }
        return Int(truncatingIfNeeded: h >> 40) & (EntityScorer.slotCount - 1)
    }

    /// Fills `out[0..<windowWidth]` with the layer-1 contributions of a token with `rows`.
    private func computeContributions(_ p: UnsafePointer<Float>, _ rows: SpacyBuckets.Rows, into out: UnsafeMutablePointer<Float>) {
        let d = network.embedding, t = network.tokenWidth, width = network.windowWidth
        rowStarts.withUnsafeMutableBufferPointer { starts in
            x.withUnsafeMutableBufferPointer { xb in
                v.withUnsafeMutableBufferPointer { vb in
                    let xs = xb.baseAddress!, vs = vb.baseAddress!
                    EntityNetwork.rowStarts(rows, embedding: d, into: starts.baseAddress!)
                    EntityNetwork.tokenInput(p + layout.embeddings, starts.baseAddress!, embedding: d, into: xs)
                    for u in 0..<t { vs[u] = p[layout.mixBias + u] }
                    for k in 0..<(EntityNetwork.attributes * d) where xs[k] != 0 {
                        let xk = xs[k], w = p + layout.mix + k * t
                        for u in 0..<t { vs[u] += xk * w[u] }
                    }
                    for k in 0..<width { out[k] = 0 }
                    for u in 0..<t where vs[u] > 0 {
                        let vu = vs[u], w = p + layout.windowWeights + u * width
                        for k in 0..<width { out[k] += vu * w[k] }
                    }
                }
            }
        }
    }

    /// From layer 1's pre-activation in `h1`: ReLU, layer 2, and the class scores.
    @inline(__always)
    private func head(_ p: UnsafePointer<Float>) {
        let hidden = network.hidden, classes = EntityNetwork.classes
        h1.withUnsafeMutableBufferPointer { h1b in
            h2.withUnsafeMutableBufferPointer { h2b in
                scores.withUnsafeMutableBufferPointer { sb in
                    let a1 = h1b.baseAddress!, a2 = h2b.baseAddress!, s = sb.baseAddress!
                    for h in 0..<hidden { a1[h] = max(a1[h], 0) }
                    for u in 0..<hidden { a2[u] = p[layout.bias2 + u] }
                    for h in 0..<hidden where a1[h] > 0 {
                        let x = a1[h], w = p + layout.weights2 + h * hidden
                        for u in 0..<hidden { a2[u] += x * w[u] }
                    }
                    for u in 0..<hidden { a2[u] = max(a2[u], 0) }
                    for c in 0..<classes { s[c] = p[layout.bias3 + c] }
                    for h in 0..<hidden where a2[h] > 0 {
                        let x = a2[h], w = p + layout.weights3 + h * classes
                        for c in 0..<classes { s[c] += x * w[c] }
                    }
                }
            }
        }
    }

    /// The contributions of the token at padded position `j`, computed unless cached.
    @inline(__always)
    private func block(_ p: UnsafePointer<Float>, _ padded: UnsafePointer<SpacyBuckets.Rows>, _ slots: UnsafePointer<Int>,
                       _ j: Int, _ cb: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float> {
        let s = slots[j]
        let block = cb + s * network.windowWidth
        if !filled[s] || keys[s] != padded[j] {
            computeContributions(p, padded[j], into: block)
            keys[s] = padded[j]
            filled[s] = true
        }
        return block
    }

    /// Adds `weight` times the class log-probabilities of token `i` to `out`; `padded`
    /// holds the document's rows with `window` padding rows either side (token i's at
    /// `i + window`), `slots` their cache slots. With `history`, `previous` is the label
    /// of token i - 1 and `start` the first token of the entity it continues (-1: none).
    func addLogProbabilities(padded: UnsafePointer<SpacyBuckets.Rows>, slots: UnsafePointer<Int>, at i: Int,
                             previous: Int, start: Int, weight: Float, into out: UnsafeMutablePointer<Float>) {
        let classes = EntityNetwork.classes, hidden = network.hidden
        network.parameters.withUnsafeBufferPointer { pb in
            let p = pb.baseAddress!
            // Layer 1 from the cached contributions of the window's tokens. Each token's
            // block is read right after it is (re)computed: a later miss may evict it.
            h1.withUnsafeMutableBufferPointer { h1b in
                let a1 = h1b.baseAddress!
                for h in 0..<hidden { a1[h] = p[layout.bias1 + h] }
                contributions.withUnsafeMutableBufferPointer { cb in
                    for o in 0..<network.offsets {
                        let c = block(p, padded, slots, i + o, cb.baseAddress!) + o * hidden
                        for h in 0..<hidden { a1[h] += c[h] }
                    }
                    if network.history {
                        let label = p + layout.labels + previous * hidden
                        for h in 0..<hidden { a1[h] += label[h] }
                        if start >= 0 {
                            let c = block(p, padded, slots, start + network.window, cb.baseAddress!) + network.offsets * hidden
                            for h in 0..<hidden { a1[h] += c[h] }
                        }
                    }
                }
            }
            head(p)
        }
        scores.withUnsafeBufferPointer { s in
            var top = s[0]
            for c in 1..<classes { top = max(top, s[c]) }
            var sum: Float = 0
            for c in 0..<classes { sum += expf(s[c] - top) }
            let norm = top + logf(sum)
            for c in 0..<classes { out[c] += weight * (s[c] - norm) }
        }
    }
}

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

    /// Whether labels are chosen greedily left to right (some network reads the history)
    /// rather than by Viterbi over independent scores.
    let greedy: Bool

    init(networks: [EntityNetwork]) {
        precondition(!networks.isEmpty)
        scorers = networks.map { EntityScorer(network: $0) }
        window = networks.map(\.window).max()!
        greedy = networks.contains { $0.history }
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
        for r in padded { slots.append(EntityScorer.slot(r)) }
        let weight = 1 / Float(scorers.count)
        padded.withUnsafeBufferPointer { pr in
            slots.withUnsafeBufferPointer { sl in
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
                        for scorer in scorers {
                            // A narrower network reads the middle of the widest window.
                            let shift = window - scorer.network.window
                            scorer.addLogProbabilities(padded: pr.baseAddress! + shift, slots: sl.baseAddress! + shift,
                                                       at: i, previous: previous, start: previous == 0 ? -1 : start,
                                                       weight: weight, into: row)
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
