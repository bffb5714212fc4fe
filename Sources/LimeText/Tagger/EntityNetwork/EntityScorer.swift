import CPrefetch
import Foundation
import LimeCompute

/// Scores tokens with one `EntityNetwork`: scratch buffers and a cache, one per thread.
///
/// Layer 1 is linear in the token vectors, so each distinct token's contributions to it at
/// every window offset (`window[o] · v(j)`) are computed once and cached, keyed by its
/// spaCy rows; tokens repeat, so most cost a few vector additions. A document's new
/// tokens are computed together (`prepare`: two matrix products, which read the weights
/// once per document rather than once per token). The cache is two-way set-associative
/// (least recently used way replaced) and a miss recomputes the same numbers, so results
/// never depend on it. Contributions are kept as
/// Float16 (twice the tokens in the same memory), new ones rounded the same way before use.
final class EntityScorer {
    let network: EntityNetwork
    private let layout: EntityNetwork.Layout
    /// Sets of the cache, two slots (ways) each: on unseen text (30k distinct words in
    /// 510k tokens) about 8% of tokens miss, against 13% for 8192 direct-mapped slots.
    static let defaultSetCount = 8192
    /// Sets of this scorer's cache (a power of two; tests use few to force evictions).
    let setCount: Int
    private var keys: [SpacyBuckets.Rows]
    private var filled: [Bool]
    /// Per set: the way (0 or 1) used last.
    private var recent: [UInt8]
    /// Per slot, the token's contributions (`windowWidth` values), in `HugePageMemory`.
    private let contributions: UnsafeMutablePointer<Float16>
    private var rowStarts = [Int](repeating: 0, count: 16)
    private var h1: [Float], h2: [Float]
    /// Class scores, padded to a multiple of 32 lanes (padding lanes score -1e30).
    private var scores: [Float]
    /// The output layer padded to `scores.count` columns (input-major), and its bias.
    private let outputWeights: [Float], outputBias: [Float]
    private var active: [Int]
    /// Per slot: the document that last used it (its block must not be overwritten then).
    private var stamp: [Int]
    private var document = 0
    /// Per padded position of the current document: its cache slot (>= 0) or, for a token
    /// computed in this document, -1 - its row in `fresh`.
    private var references: [Int] = []
    private var fresh: [Float16] = [], freshProducts: [Float] = [], freshInputs: [Float] = [], freshVectors: [Float] = []
    private var missing: [SpacyBuckets.Rows] = [], missingSets: [Int] = []
    /// Per set: the document and the `missing` row of the last new token hashed there.
    private var missingStamp: [Int], missingRow: [Int]
    private let matmul = Matmul(pool: ThreadPool(threads: 1))

    init(network: EntityNetwork, setCount: Int = EntityScorer.defaultSetCount) {
        precondition(setCount > 0 && setCount & (setCount - 1) == 0, "entity scorer: cache sets must be a power of two")
        self.network = network
        self.setCount = setCount
        layout = network.layout
        let slotCount = 2 * setCount
        keys = [SpacyBuckets.Rows](repeating: .init(), count: slotCount)
        filled = [Bool](repeating: false, count: slotCount)
        recent = [UInt8](repeating: 0, count: setCount)
        stamp = [Int](repeating: 0, count: slotCount)
        missingStamp = [Int](repeating: 0, count: setCount)
        missingRow = [Int](repeating: 0, count: setCount)
        // Not zero-filled: a slot is read only once `filled`, and untouched pages cost
        // nothing, so start-up does not pay for the whole cache.
        contributions = HugePageMemory.allocate(Float16.self, count: slotCount * network.windowWidth)
        h1 = [Float](repeating: 0, count: network.hidden)
        h2 = [Float](repeating: 0, count: network.hidden)
        // Class lanes padded to a multiple of 32: `dense` then runs them as groups of 32
        // (37 classes: 64 lanes, one group) instead of single blocks of 8.
        let classes = EntityNetwork.classes, lanes = (classes + 31) / 32 * 32
        scores = [Float](repeating: -1e30, count: lanes)
        var weights = [Float](repeating: 0, count: network.hidden * lanes)
        var bias = [Float](repeating: -1e30, count: lanes)
        let l = network.layout
        for h in 0..<network.hidden {
            for c in 0..<classes { weights[h * lanes + c] = network.parameters[l.weights3 + h * classes + c] }
        }
        for c in 0..<classes { bias[c] = network.parameters[l.bias3 + c] }
        outputWeights = weights
        outputBias = bias
        active = [Int](repeating: 0, count: network.hidden)
    }

    deinit { HugePageMemory.release(contributions) }

    /// A hash of a token's 16 row numbers (24 bits): its cache set is the hash's low bits.
    @inline(__always)
    static func cacheHash(_ rows: SpacyBuckets.Rows) -> Int {
        var h: UInt64 = 0x9e37_79b9_7f4a_7c15
        for k in stride(from: 0, to: 16, by: 4) {
            let value = UInt64(rows[k]) | UInt64(rows[k + 1]) << 16 | UInt64(rows[k + 2]) << 32 | UInt64(rows[k + 3]) << 48
            h = (h ^ value) &* 0xff51_afd7_ed55_8ccd
        }
        return Int(truncatingIfNeeded: h >> 40)
    }

    /// Makes the contributions of every token of a document available: `padded` holds its
    /// rows with `window` padding rows either side, `hashes` their `cacheHash`es.
    func prepare(padded: UnsafeBufferPointer<SpacyBuckets.Rows>, hashes: UnsafePointer<Int>) {
        document += 1
        references.removeAll(keepingCapacity: true)
        missing.removeAll(keepingCapacity: true)
        missingSets.removeAll(keepingCapacity: true)
        // Keys a few positions ahead are prefetched: the 512 KB of keys miss the L1 cache.
        let ahead = 8
        func prefetchKeys(_ j: Int) {
            if j < padded.count { keys.withUnsafeBufferPointer { lime_prefetch($0.baseAddress! + 2 * (hashes[j] & (setCount - 1))) } }
        }
        for j in 0..<ahead { prefetchKeys(j) }
        for j in 0..<padded.count {
            prefetchKeys(j + ahead)
            let s = hashes[j] & (setCount - 1), r = padded[j]
            let way = filled[2 * s] && all(keys[2 * s] .== r) ? 0 : filled[2 * s + 1] && all(keys[2 * s + 1] .== r) ? 1 : -1
            if way >= 0 {
                references.append(2 * s + way)
                stamp[2 * s + way] = document
                recent[s] = UInt8(way)
            } else if missingStamp[s] == document && all(missing[missingRow[s]] .== r) {
                references.append(-1 - missingRow[s])
            } else {
                missingStamp[s] = document
                missingRow[s] = missing.count
                references.append(-1 - missing.count)
                missing.append(r)
                missingSets.append(s)
            }
        }
        let m = missing.count
        guard m > 0 else { return }
        let d = network.embedding, t = network.tokenWidth, width = network.windowWidth
        let inputs = EntityNetwork.attributes * d
        if freshInputs.count < m * inputs { freshInputs = [Float](repeating: 0, count: m * inputs) }
        if freshVectors.count < m * t { freshVectors = [Float](repeating: 0, count: m * t) }
        if fresh.count < m * width {
            fresh = [Float16](repeating: 0, count: m * width)
            freshProducts = [Float](repeating: 0, count: m * width)
        }
        network.parameters.withUnsafeBufferPointer { pb in
        rowStarts.withUnsafeMutableBufferPointer { starts in
        freshInputs.withUnsafeMutableBufferPointer { xb in
        freshVectors.withUnsafeMutableBufferPointer { vb in
        freshProducts.withUnsafeMutableBufferPointer { fpb in
        fresh.withUnsafeMutableBufferPointer { fb in
            let p = pb.baseAddress!, x = xb.baseAddress!, v = vb.baseAddress!, products = fpb.baseAddress!, out = fb.baseAddress!
            for k in 0..<m {
                EntityNetwork.rowStarts(missing[k], embedding: d, into: starts.baseAddress!)
                EntityNetwork.tokenInput(p + layout.embeddings, starts.baseAddress!, embedding: d, into: x + k * inputs)
            }
            matmul.multiply(m: m, n: t, k: inputs, a: GemmOperand(x, ld: inputs), b: GemmOperand(p + layout.mix, ld: t),
                            c: v, ldc: t)
            for k in 0..<m {
                for u in 0..<t { v[k * t + u] = max(v[k * t + u] + p[layout.mixBias + u], 0) }
            }
            matmul.multiply(m: m, n: width, k: t, a: GemmOperand(v, ld: t), b: GemmOperand(p + layout.windowWeights, ld: width),
                            c: products, ldc: width)
            for k in 0..<(m * width) { out[k] = Float16(products[k]) }
            // Into the cache, in the least recently used way of the set that holds no block
            // this document reads.
            for k in 0..<m {
                let s = missingSets[k], older = 1 - Int(recent[s])
                let way = stamp[2 * s + older] != document ? older : stamp[2 * s + 1 - older] != document ? 1 - older : -1
                guard way >= 0 else { continue }
                let slot = 2 * s + way
                (contributions + slot * width).update(from: out + k * width, count: width)
                keys[slot] = missing[k]
                filled[slot] = true
                recent[s] = UInt8(way)
            }
        }}}}}}
    }

    /// The contributions of the token at padded position `j` of the prepared document.
    @inline(__always)
    private func contribution(_ j: Int, _ cache: UnsafePointer<Float16>, _ fresh: UnsafePointer<Float16>) -> UnsafePointer<Float16> {
        let r = references[j]
        return r >= 0 ? cache + r * network.windowWidth : fresh + (-1 - r) * network.windowWidth
    }

    /// `a[0..<count] += c[0..<count]`, eight lanes at a time.
    @inline(__always)
    private static func add(_ c: UnsafePointer<Float16>, to a: UnsafeMutablePointer<Float>, count: Int) {
        var h = 0
        while h + 8 <= count {
            let half = UnsafeRawPointer(c + h).loadUnaligned(as: SIMD8<Float16>.self)
            let sum = UnsafeRawPointer(a + h).loadUnaligned(as: SIMD8<Float>.self) + SIMD8<Float>(half)
            UnsafeMutableRawPointer(a + h).storeBytes(of: sum, as: SIMD8<Float>.self)
            h += 8
        }
        while h < count { a[h] += Float(c[h]); h += 1 }
    }

    /// From layer 1's pre-activation in `h1`: ReLU, layer 2, and the class scores.
    @inline(__always)
    private func head(_ p: UnsafePointer<Float>) {
        if network.hidden % 8 == 0 { headSIMD(p); return }
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
                    for c in classes..<sb.count { s[c] = -1e30 }
                    for h in 0..<hidden where a2[h] > 0 {
                        let x = a2[h], w = p + layout.weights3 + h * classes
                        for c in 0..<classes { s[c] += x * w[c] }
                    }
                }
            }
        }
    }

    /// `head` for widths that are multiples of 8: `dense` over the active (nonzero) inputs
    /// of each layer.
    @inline(__always)
    private func headSIMD(_ p: UnsafePointer<Float>) {
        let hidden = network.hidden, lanes = outputBias.count
        h1.withUnsafeMutableBufferPointer { h1b in
        h2.withUnsafeMutableBufferPointer { h2b in
        scores.withUnsafeMutableBufferPointer { sb in
        active.withUnsafeMutableBufferPointer { ab in
        outputWeights.withUnsafeBufferPointer { owb in
        outputBias.withUnsafeBufferPointer { obb in
            let a1 = h1b.baseAddress!, a2 = h2b.baseAddress!, on = ab.baseAddress!
            var count = 0
            for h in 0..<hidden where a1[h] > 0 { on[count] = h; count += 1 }
            Self.dense(a1, on, count, p + layout.weights2, ld: hidden, bias: p + layout.bias2, width: hidden,
                       relu: true, into: a2)
            count = 0
            for h in 0..<hidden where a2[h] > 0 { on[count] = h; count += 1 }
            Self.dense(a2, on, count, owb.baseAddress!, ld: lanes, bias: obb.baseAddress!, width: lanes,
                       relu: false, into: sb.baseAddress!)
        }}}}}}
    }

    /// `out[u] = bias[u] + sum over k of x[on[k]] * w[on[k] * ld + u]` for `u` in
    /// `0..<width` (a multiple of 8), then ReLU if asked: 64 outputs at a time in eight
    /// registers, then 32 in four, then 8. Each active input is broadcast once per group and
    /// its weights read contiguously; the groups keep several independent sums in flight
    /// (one sum alone waits out each fused multiply-add's latency). Every output adds its
    /// products in input order, whatever the grouping.
    @inline(__always)
    private static func dense(
        _ x: UnsafePointer<Float>, _ on: UnsafePointer<Int>, _ count: Int, _ w: UnsafePointer<Float>, ld: Int,
        bias: UnsafePointer<Float>, width: Int, relu: Bool, into out: UnsafeMutablePointer<Float>
    ) {
        typealias V = SIMD8<Float>
        func load(_ q: UnsafePointer<Float>) -> V { UnsafeRawPointer(q).loadUnaligned(as: V.self) }
        func store(_ v: V, _ q: UnsafeMutablePointer<Float>) {
            UnsafeMutableRawPointer(q).storeBytes(of: relu ? v.replacing(with: 0, where: v .< 0) : v, as: V.self)
        }
        var u = 0
        while u + 64 <= width {
            let b = bias + u
            var c0 = load(b), c1 = load(b + 8), c2 = load(b + 16), c3 = load(b + 24)
            var c4 = load(b + 32), c5 = load(b + 40), c6 = load(b + 48), c7 = load(b + 56)
            for k in 0..<count {
                let h = on[k], v = V(repeating: x[h]), r = w + h * ld + u
                c0 = c0.addingProduct(v, load(r)); c1 = c1.addingProduct(v, load(r + 8))
                c2 = c2.addingProduct(v, load(r + 16)); c3 = c3.addingProduct(v, load(r + 24))
                c4 = c4.addingProduct(v, load(r + 32)); c5 = c5.addingProduct(v, load(r + 40))
                c6 = c6.addingProduct(v, load(r + 48)); c7 = c7.addingProduct(v, load(r + 56))
            }
            store(c0, out + u); store(c1, out + u + 8); store(c2, out + u + 16); store(c3, out + u + 24)
            store(c4, out + u + 32); store(c5, out + u + 40); store(c6, out + u + 48); store(c7, out + u + 56)
            u += 64
        }
        while u + 32 <= width {
            let b = bias + u
            var c0 = load(b), c1 = load(b + 8), c2 = load(b + 16), c3 = load(b + 24)
            for k in 0..<count {
                let h = on[k], v = V(repeating: x[h]), r = w + h * ld + u
                c0 = c0.addingProduct(v, load(r)); c1 = c1.addingProduct(v, load(r + 8))
                c2 = c2.addingProduct(v, load(r + 16)); c3 = c3.addingProduct(v, load(r + 24))
            }
            store(c0, out + u); store(c1, out + u + 8); store(c2, out + u + 16); store(c3, out + u + 24)
            u += 32
        }
        while u < width {
            var c = load(bias + u)
            for k in 0..<count {
                let h = on[k]
                c = c.addingProduct(V(repeating: x[h]), load(w + h * ld + u))
            }
            store(c, out + u)
            u += 8
        }
    }

    /// Adds `weight` times the class log-probabilities of token `i` of the prepared document
    /// to `out` (token i's row is at padded position `i + window`). With `history`,
    /// `previous` is the label of token i - 1 and `start` the first token of the entity it
    /// continues (-1: none).
    func addLogProbabilities(at i: Int, previous: Int, start: Int, weight: Float, into out: UnsafeMutablePointer<Float>) {
        let classes = EntityNetwork.classes, hidden = network.hidden
        network.parameters.withUnsafeBufferPointer { pb in
            let p = pb.baseAddress!
            // Layer 1 from the contributions `prepare` made available for the window's tokens.
            h1.withUnsafeMutableBufferPointer { h1b in
                let a1 = h1b.baseAddress!
                for h in 0..<hidden { a1[h] = p[layout.bias1 + h] }
                fresh.withUnsafeBufferPointer { fb in
                    let cache = UnsafePointer(contributions), computed = fb.baseAddress ?? cache
                    // The next token's window adds one position, read at the last offset:
                    // fetch those lines now.
                    let next = i + network.offsets
                    if next < references.count {
                        let block = contribution(next, cache, computed) + (network.offsets - 1) * hidden
                        for line in stride(from: 0, to: hidden, by: 32) { lime_prefetch(block + line) }
                    }
                    for o in 0..<network.offsets {
                        Self.add(contribution(i + o, cache, computed) + o * hidden, to: a1, count: hidden)
                    }
                    if network.history {
                        let label = p + layout.labels + previous * hidden
                        for h in 0..<hidden { a1[h] += label[h] }
                        if start >= 0 {
                            Self.add(contribution(start + network.window, cache, computed) + network.offsets * hidden,
                                     to: a1, count: hidden)
                        }
                    }
                }
            }
            head(p)
        }
        scores.withUnsafeBufferPointer { s in
            typealias V = SIMD8<Float>
            let lanes = s.count
            let raw = UnsafeRawPointer(s.baseAddress!)
            var top = V(repeating: -.infinity)
            for block in stride(from: 0, to: lanes, by: 8) {
                let value = raw.loadUnaligned(fromByteOffset: block * 4, as: V.self)
                top = top.replacing(with: value, where: value .> top)
            }
            let maximum = top.max()
            var sum = V()
            for block in stride(from: 0, to: lanes, by: 8) {
                sum += FastMath.exp(raw.loadUnaligned(fromByteOffset: block * 4, as: V.self) - V(repeating: maximum))
            }
            let norm = maximum + logf(sum.sum())
            for c in 0..<classes { out[c] += weight * (s[c] - norm) }
        }
    }
}
