import Foundation
import LimeCompute

/// One training step's forward and backward pass of an `EntityNetwork` over a batch of
/// document pieces, with matrix products (the network's `EntityDecoder` runs the same
/// function token by token). Owns the network being trained and its gradient buffer.
final class EntityNetworkPass {
    var network: EntityNetwork
    let layout: EntityNetwork.Layout
    /// Gradient of the mean loss, same layout as the parameters (the optimizer zeroes it).
    let gradients: UnsafeMutablePointer<Float>
    private let matmul: Matmul
    // The batch: N padded token rows (pieces plus `window` context either side), n scored tokens.
    private var rows: [SpacyBuckets.Rows] = []
    private var labels: [Int] = [], previous: [Int] = [], startRows: [Int] = []
    /// Per scored token: the padded row of its window's first token.
    private var windowRows: [Int] = []
    /// Activations and their gradients, allocated once and grown as batches need.
    private let workspace = EntityPassWorkspace()

    init(network: EntityNetwork, threads: Int) {
        self.network = network
        layout = network.layout
        gradients = UnsafeMutablePointer<Float>.allocate(capacity: layout.count)
        gradients.initialize(repeating: 0, count: layout.count)
        matmul = Matmul(pool: ThreadPool(threads: max(1, threads)))
    }

    deinit { gradients.deallocate() }

    /// `C = op(A) · op(B)` (or `+=`), row-major operands with their leading dimensions.
    private func multiply(_ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, _ lda: Int, _ ta: Bool,
                          _ b: UnsafePointer<Float>, _ ldb: Int, _ tb: Bool, _ c: UnsafeMutablePointer<Float>,
                          accumulate: Bool = false) {
        matmul.multiply(m: m, n: n, k: k, a: GemmOperand(a, ld: lda, transposed: ta),
                        b: GemmOperand(b, ld: ldb, transposed: tb), c: c, ldc: n, accumulate: accumulate)
    }

    /// Forward and backward over `pieces`: adds the gradient of the mean cross-entropy of
    /// their labelled tokens to `gradients`; returns the summed loss, correct and labelled counts.
    ///
    /// With `dropout` > 0, each token vector and hidden unit is zeroed with that
    /// probability (the rest scaled up to keep their expectation), by a generator seeded
    /// with `seed`. Without `embeddingGradients` the embedding rows' gradients are left
    /// alone (frozen tables: not computed at all).
    func step(_ examples: [EntityNetworkTrainer.Example], _ pieces: [EntityNetworkTrainer.Piece],
              dropout: Float = 0, seed: UInt64 = 0, embeddingGradients: Bool = true) -> (loss: Double, right: Int, count: Int) {
        gather(examples, pieces)
        let labelled = labels.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) }
        let w = workspace.prepare(network, paddedRows: rows.count, scored: labels.count)
        var dropout = Dropout(rate: dropout, seed: seed)
        return network.parameters.withUnsafeBufferPointer { pb in
            let p = pb.baseAddress!
            let (loss, right) = forward(p, w, &dropout, labelled: labelled)
            backward(p, w, dropoutScale: dropout.scale, embeddingGradients: embeddingGradients)
            return (loss, right, labelled)
        }
    }

    /// The batch's padded rows, labels and, with history, previous labels and entity starts.
    private func gather(_ examples: [EntityNetworkTrainer.Example], _ pieces: [EntityNetworkTrainer.Piece]) {
        let w = network.window, history = network.history
        rows.removeAll(keepingCapacity: true)
        labels.removeAll(keepingCapacity: true)
        previous.removeAll(keepingCapacity: true)
        startRows.removeAll(keepingCapacity: true)
        windowRows.removeAll(keepingCapacity: true)
        for piece in pieces {
            let example = examples[piece.example]
            let base = rows.count
            for j in (piece.start - w)..<(piece.end + w) {
                rows.append(j >= 0 && j < example.rows.count ? example.rows[j] : SpacyBuckets.padding)
            }
            for j in piece.start..<piece.end {
                labels.append(Int(example.labels[j]))
                windowRows.append(base + j - piece.start)
                if history {
                    previous.append(Int(example.previous[j]))
                    // The entity's first token, if this piece's rows hold it.
                    let s = Int(example.entityStart[j])
                    startRows.append(s >= piece.start - w ? base + s - (piece.start - w) : -1)
                }
            }
        }
    }

    /// Token vectors, layer 1 (window sums), layer 2, class scores; the loss and the
    /// gradient of the mean loss with respect to the scores (in `w.dS`).
    private func forward(_ p: UnsafePointer<Float>, _ w: EntityPassWorkspace.Pointers, _ dropout: inout Dropout,
                         labelled: Int) -> (loss: Double, right: Int) {
        let d = network.embedding, inputs = EntityNetwork.attributes * d, t = network.tokenWidth
        let hidden = network.hidden, width = network.windowWidth, offsets = network.offsets, classes = EntityNetwork.classes
        let bigN = rows.count, n = labels.count
        let X = w.x, V = w.tokenVectors, U = w.u, H1 = w.h1, H2 = w.h2, S = w.scores, dS = w.dScores, rs = w.rowStarts
        // Token vectors.
        for j in 0..<bigN {
            EntityNetwork.rowStarts(rows[j], embedding: d, into: rs + j * 16)
            EntityNetwork.tokenInput(p + layout.embeddings, rs + j * 16, embedding: d, into: X + j * inputs)
        }
        multiply(bigN, t, inputs, X, inputs, false, p + layout.mix, t, false, V)
        for j in 0..<bigN {
            for k in 0..<t { V[j * t + k] = max(V[j * t + k] + p[layout.mixBias + k], 0) }
        }
        dropout.apply(V, bigN * t)
        // Every token's contributions at every offset, then each scored token's window sum.
        multiply(bigN, width, t, V, t, false, p + layout.windowWeights, width, false, U)
        for q in 0..<n {
            let out = H1 + q * hidden
            for h in 0..<hidden { out[h] = p[layout.bias1 + h] }
            for o in 0..<offsets {
                let c = U + (windowRows[q] + o) * width + o * hidden
                for h in 0..<hidden { out[h] += c[h] }
            }
            if network.history {
                let label = p + layout.labels + previous[q] * hidden
                for h in 0..<hidden { out[h] += label[h] }
                if startRows[q] >= 0 {
                    let c = U + startRows[q] * width + offsets * hidden
                    for h in 0..<hidden { out[h] += c[h] }
                }
            }
            for h in 0..<hidden { out[h] = max(out[h], 0) }
        }
        dropout.apply(H1, n * hidden)
        multiply(n, hidden, hidden, H1, hidden, false, p + layout.weights2, hidden, false, H2)
        for i in 0..<n { for h in 0..<hidden { H2[i * hidden + h] = max(H2[i * hidden + h] + p[layout.bias2 + h], 0) } }
        dropout.apply(H2, n * hidden)
        multiply(n, classes, hidden, H2, hidden, false, p + layout.weights3, classes, false, S)
        // Loss and its gradient (mean over labelled tokens).
        var loss: Double = 0, right = 0
        let mean = 1 / Float(max(1, labelled))
        for i in 0..<n {
            let s = S + i * classes, ds = dS + i * classes
            guard labels[i] >= 0 else { for c in 0..<classes { ds[c] = 0 }; continue }
            var top = -Float.infinity, best = 0
            for c in 0..<classes {
                s[c] += p[layout.bias3 + c]
                if s[c] > top { top = s[c]; best = c }
            }
            var sum: Float = 0
            for c in 0..<classes { ds[c] = expf(s[c] - top); sum += ds[c] }
            let truth = labels[i]
            loss -= Double(logf(max(ds[truth] / sum, 1e-30)))
            if best == truth { right += 1 }
            for c in 0..<classes { ds[c] = ds[c] / sum * mean }
            ds[truth] -= mean
        }
        return (loss, right)
    }

    /// From the scores' gradient back to every parameter, added to `gradients`. Without
    /// `embeddingGradients` the embedding rows are left alone (frozen tables).
    private func backward(_ p: UnsafePointer<Float>, _ w: EntityPassWorkspace.Pointers, dropoutScale scale: Float,
                          embeddingGradients: Bool) {
        let d = network.embedding, inputs = EntityNetwork.attributes * d, t = network.tokenWidth
        let hidden = network.hidden, width = network.windowWidth, offsets = network.offsets, classes = EntityNetwork.classes
        let bigN = rows.count, n = labels.count, g = gradients
        let X = w.x, V = w.tokenVectors, H1 = w.h1, H2 = w.h2, dS = w.dScores, rs = w.rowStarts
        let dh2 = w.dH2, dh1 = w.dH1, dUp = w.dU, dV = w.dVectors, dXp = w.dX
        // Output layer, layer 2.
        multiply(hidden, classes, n, H2, hidden, true, dS, classes, false, g + layout.weights3, accumulate: true)
        for i in 0..<n { for c in 0..<classes { g[layout.bias3 + c] += dS[i * classes + c] } }
        multiply(n, hidden, classes, dS, classes, false, p + layout.weights3, classes, true, dh2)
        for k in 0..<(n * hidden) { dh2[k] = H2[k] > 0 ? dh2[k] * scale : 0 }
        multiply(hidden, hidden, n, H1, hidden, true, dh2, hidden, false, g + layout.weights2, accumulate: true)
        for i in 0..<n { for h in 0..<hidden { g[layout.bias2 + h] += dh2[i * hidden + h] } }
        multiply(n, hidden, hidden, dh2, hidden, false, p + layout.weights2, hidden, true, dh1)
        for k in 0..<(n * hidden) { dh1[k] = H1[k] > 0 ? dh1[k] * scale : 0 }
        for i in 0..<n { for h in 0..<hidden { g[layout.bias1 + h] += dh1[i * hidden + h] } }
        // Layer 1: spread each token's gradient back to its window's contributions.
        for k in 0..<(bigN * width) { dUp[k] = 0 }
        for q in 0..<n {
            let grad = dh1 + q * hidden
            for o in 0..<offsets {
                let c = dUp + (windowRows[q] + o) * width + o * hidden
                for h in 0..<hidden { c[h] += grad[h] }
            }
            if network.history {
                let label = g + layout.labels + previous[q] * hidden
                for h in 0..<hidden { label[h] += grad[h] }
                if startRows[q] >= 0 {
                    let c = dUp + startRows[q] * width + offsets * hidden
                    for h in 0..<hidden { c[h] += grad[h] }
                }
            }
        }
        multiply(t, width, bigN, V, t, true, dUp, width, false, g + layout.windowWeights, accumulate: true)
        multiply(bigN, t, width, dUp, width, false, p + layout.windowWeights, width, true, dV)
        for k in 0..<(bigN * t) { dV[k] = V[k] > 0 ? dV[k] * scale : 0 }
        for j in 0..<bigN { for k in 0..<t { g[layout.mixBias + k] += dV[j * t + k] } }
        // Token vectors: the mixing layer and the embedding rows.
        multiply(inputs, t, bigN, X, inputs, true, dV, t, false, g + layout.mix, accumulate: true)
        guard embeddingGradients else { return }
        multiply(bigN, inputs, t, dV, t, false, p + layout.mix, t, true, dXp)
        for j in 0..<bigN {
            for lane in 0..<16 {
                let row = g + layout.embeddings + rs[j * 16 + lane], grad = dXp + j * inputs + (lane >> 2) * d
                for k in 0..<d { row[k] += grad[k] }
            }
        }
    }
}

/// Inverted dropout in place (ReLU outputs: zero means inactive either way): each value
/// is zeroed with probability `rate`, the rest scaled by 1 / (1 - rate).
private struct Dropout {
    let rate: Float
    var rng: SplitMix64
    let threshold: UInt64

    init(rate: Float, seed: UInt64) {
        self.rate = rate
        rng = SplitMix64(seed: seed)
        threshold = UInt64(Double(rate) * Double(1 << 32))
    }

    /// The factor kept values were scaled by (1 without dropout).
    var scale: Float { rate > 0 ? 1 / (1 - rate) : 1 }

    mutating func apply(_ a: UnsafeMutablePointer<Float>, _ count: Int) {
        guard rate > 0 else { return }
        let boost = 1 / (1 - rate)
        var k = 0
        while k < count {
            var bits = rng.next()
            for _ in 0..<2 where k < count {
                a[k] = (bits & 0xFFFF_FFFF) < threshold ? 0 : a[k] * boost
                bits >>= 32
                k += 1
            }
        }
    }
}
