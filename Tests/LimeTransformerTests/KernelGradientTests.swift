import Foundation
import LimeCompute
import Testing
@testable import LimeTransformer

/// Finite-difference checks of every kernel's backward pass on `L = sum(w * forward(x))`.
@Suite struct KernelGradientTests {
    let pool = ThreadPool(threads: 2)
    let tolerance = 2e-2

    @Test func rmsNorm() {
        var rng = Xoshiro256(seed: 1)
        let (rows, width) = (37, 24)
        let x = Buf(random: rows * width, &rng), g = Buf(random: width, &rng), w = Buf(random: rows * width, &rng)
        let y = Buf(rows * width), rstd = Buf(rows), dx = Buf(rows * width), dg = Buf(width)
        let partials = Buf(((rows + 31) / 32) * width)
        RMSNorm.forward(x.p, gain: g.p, out: y.p, rstd: rstd.p, rows: rows, width: width, pool: pool)
        RMSNorm.backward(w.p, x: x.p, gain: g.p, rstd: rstd.p, dx: dx.p, dgain: dg.p, accumulateGain: false, partials: partials.p, rows: rows, width: width, pool: pool)
        let loss = {
            RMSNorm.forward(x.p, gain: g.p, out: y.p, rstd: rstd.p, rows: rows, width: width, pool: pool)
            return weightedSum(y.p, w)
        }
        #expect(finiteDifferenceError(x: x.p, count: x.count, analytic: { dx[$0] }, loss: loss) < tolerance)
        #expect(finiteDifferenceError(x: g.p, count: g.count, analytic: { dg[$0] }, loss: loss) < tolerance)
    }

    @Test func layerNorm() {
        var rng = Xoshiro256(seed: 2)
        let (rows, width) = (35, 20)
        let x = Buf(random: rows * width, &rng), g = Buf(random: width, &rng), bias = Buf(random: width, &rng)
        let w = Buf(random: rows * width, &rng)
        let y = Buf(rows * width), mean = Buf(rows), rstd = Buf(rows), dx = Buf(rows * width)
        let dg = Buf(width), db = Buf(width), partials = Buf(2 * ((rows + 31) / 32) * width)
        LayerNorm.forward(x.p, gain: g.p, bias: bias.p, out: y.p, mean: mean.p, rstd: rstd.p, rows: rows, width: width, pool: pool)
        LayerNorm.backward(w.p, x: x.p, gain: g.p, mean: mean.p, rstd: rstd.p, dx: dx.p, dgain: dg.p, dbias: db.p, accumulate: false, partials: partials.p, rows: rows, width: width, pool: pool)
        let loss = {
            LayerNorm.forward(x.p, gain: g.p, bias: bias.p, out: y.p, mean: mean.p, rstd: rstd.p, rows: rows, width: width, pool: pool)
            return weightedSum(y.p, w)
        }
        #expect(finiteDifferenceError(x: x.p, count: x.count, analytic: { dx[$0] }, loss: loss) < tolerance)
        #expect(finiteDifferenceError(x: g.p, count: g.count, analytic: { dg[$0] }, loss: loss) < tolerance)
        #expect(finiteDifferenceError(x: bias.p, count: bias.count, analytic: { db[$0] }, loss: loss) < tolerance)
    }

    @Test func geluAndGeGLU() {
        var rng = Xoshiro256(seed: 3)
        let n = 45
        let x = Buf(random: n, &rng, scale: 3), w = Buf(random: n, &rng), y = Buf(n), dx = Buf(n)
        GELU.forward(x.p, out: y.p, count: n, pool: pool)
        #expect(abs(y[0] - 0.5 * x[0] * (1 + Float(_tanh(Double(0.797_884_56 * (x[0] + 0.044715 * x[0] * x[0] * x[0])))))) < 1e-5)
        GELU.backward(w.p, x: x.p, dx: dx.p, count: n, pool: pool)
        #expect(finiteDifferenceError(x: x.p, count: n, analytic: { dx[$0] }, h: 1e-3) {
            GELU.forward(x.p, out: y.p, count: n, pool: pool)
            return weightedSum(y.p, w)
        } < tolerance)

        let (rows, f) = (5, 13)
        let u = Buf(random: rows * 2 * f, &rng, scale: 2), wm = Buf(random: rows * f, &rng)
        let m = Buf(rows * f), du = Buf(rows * 2 * f)
        GeGLU.backward(wm.p, u: u.p, du: du.p, rows: rows, width: f, pool: pool)
        #expect(finiteDifferenceError(x: u.p, count: u.count, analytic: { du[$0] }, samples: 40, h: 1e-3) {
            GeGLU.forward(u.p, out: m.p, rows: rows, width: f, pool: pool)
            return weightedSum(m.p, wm)
        } < tolerance)
    }

    @Test func ropeIsARotationAndItsInverseIsTheGradient() {
        var rng = Xoshiro256(seed: 4)
        let (rows, length, heads, hd) = (12, 6, 2, 8)
        let stride = 3 * heads * hd
        let rope = Rope(maxLength: length, headDim: hd)
        let x = Buf(random: rows * stride, &rng), w = Buf(random: rows * stride, &rng)
        let y = Buf(rows * stride), grad = Buf(rows * stride)
        grad.copy(from: w)
        rope.apply(grad.p, rows: rows, length: length, heads: heads, rowStride: stride, inverse: true, pool: pool)
        // v parts are untouched by RoPE, so their gradient must pass through unchanged.
        #expect(grad[2 * heads * hd + 1] == w[2 * heads * hd + 1])
        #expect(finiteDifferenceError(x: x.p, count: x.count, analytic: { grad[$0] }, samples: 40) {
            y.copy(from: x)
            rope.apply(y.p, rows: rows, length: length, heads: heads, rowStride: stride, inverse: false, pool: pool)
            return weightedSum(y.p, w)
        } < tolerance)
        // Position 0 is the identity; later positions change q.
        y.copy(from: x)
        rope.apply(y.p, rows: rows, length: length, heads: heads, rowStride: stride, inverse: false, pool: pool)
        #expect(y[0] == x[0] && y[stride] != x[stride])
    }

    @Test func causalAttention() {
        var rng = Xoshiro256(seed: 5)
        let (batch, t, heads, hd) = (2, 7, 2, 4)
        let d = heads * hd, rows = batch * t
        let matmul = Matmul(pool: pool)
        let qkv = Buf(random: rows * 3 * d, &rng), w = Buf(random: rows * d, &rng)
        let out = Buf(rows * d), probs = Buf(batch * heads * t * t), dqkv = Buf(rows * 3 * d)
        let scratch = Buf(pool.threadCount * t * t)
        Attention.forward(qkv: qkv.p, out: out.p, probs: probs.p, batch: batch, length: t, heads: heads, headDim: hd, matmul: matmul)
        // Position 0 attends only to itself: its output is its own v.
        #expect(abs(out[0] - qkv[2 * d]) < 1e-6)
        Attention.backward(dout: w.p, qkv: qkv.p, probs: probs.p, dqkv: dqkv.p, scratch: scratch.p, batch: batch, length: t, heads: heads, headDim: hd, matmul: matmul)
        #expect(finiteDifferenceError(x: qkv.p, count: qkv.count, analytic: { dqkv[$0] }, samples: 60) {
            Attention.forward(qkv: qkv.p, out: out.p, probs: probs.p, batch: batch, length: t, heads: heads, headDim: hd, matmul: matmul)
            return weightedSum(out.p, w)
        } < tolerance)
    }

    @Test func causalAttentionAcrossSeveralBlocks() {
        var rng = Xoshiro256(seed: 15)
        let (batch, t, heads, hd) = (1, Attention.block * 2 + 5, 2, 4)
        let d = heads * hd, stride = 3 * d
        let matmul = Matmul(pool: pool)
        let qkv = Buf(random: t * 3 * d, &rng), w = Buf(random: t * d, &rng)
        let out = Buf(t * d), probs = Buf(batch * heads * t * t), dqkv = Buf(t * 3 * d)
        let scratch = Buf(pool.threadCount * t * t)
        Attention.forward(qkv: qkv.p, out: out.p, probs: probs.p, batch: batch, length: t, heads: heads, headDim: hd, matmul: matmul)
        // Naive Double attention for head 1 at the last query row.
        let h = 1, i = t - 1
        let scores = (0...i).map { j in (0..<hd).reduce(0.0) { $0 + Double(qkv[i * stride + h * hd + $1]) * Double(qkv[j * stride + d + h * hd + $1]) } / Double(hd).squareRoot() }
        let mx = scores.max()!
        let e = scores.map { exp($0 - mx) }
        let z = e.reduce(0, +)
        for c in 0..<hd {
            let expected = (0...i).reduce(0.0) { $0 + e[$1] / z * Double(qkv[$1 * stride + 2 * d + h * hd + c]) }
            #expect(abs(Double(out[i * d + h * hd + c]) - expected) < 1e-5)
        }
        Attention.backward(dout: w.p, qkv: qkv.p, probs: probs.p, dqkv: dqkv.p, scratch: scratch.p, batch: batch, length: t, heads: heads, headDim: hd, matmul: matmul)
        #expect(finiteDifferenceError(x: qkv.p, count: qkv.count, analytic: { dqkv[$0] }, samples: 30) {
            Attention.forward(qkv: qkv.p, out: out.p, probs: probs.p, batch: batch, length: t, heads: heads, headDim: hd, matmul: matmul)
            return weightedSum(out.p, w)
        } < tolerance)
    }

    @Test func softmaxCrossEntropy() {
        var rng = Xoshiro256(seed: 6)
        let (rows, vocab) = (6, 29)
        let z = Buf(random: rows * vocab, &rng, scale: 3), grad = Buf(rows * vocab), losses = Buf(rows)
        let targets: [Int32] = [3, 28, -1, 0, 17, 9]
        let count = 5
        grad.copy(from: z)
        targets.withUnsafeBufferPointer { tp in
            CrossEntropy.forward(logits: grad.p, targets: tp.baseAddress!, losses: losses.p, rows: rows, vocab: vocab, gradScale: 1 / Float(count), pool: pool)
        }
        #expect(losses[2] == 0 && grad[2 * vocab + 5] == 0)
        // Row 0 by hand.
        let row = (0..<vocab).map { Double(z[$0]) }
        let lse = log(row.map { exp($0 - row.max()!) }.reduce(0, +)) + row.max()!
        #expect(abs(Double(losses[0]) - (lse - row[3])) < 1e-5)
        #expect(finiteDifferenceError(x: z.p, count: z.count, analytic: { grad[$0] }, samples: 40) {
            targets.withUnsafeBufferPointer { tp in
                CrossEntropy.forward(logits: z.p, targets: tp.baseAddress!, losses: losses.p, rows: rows, vocab: vocab, gradScale: nil, pool: pool)
            }
            return (0..<rows).reduce(0.0) { $0 + Double(losses[$1]) } / Double(count)
        } < tolerance)
    }

    @Test func embeddingGatherScatterAndScaleGradient() {
        var rng = Xoshiro256(seed: 8)
        let (tableRows, width, rows) = (9, 6, 70)
        let ids: [Int32] = (0..<rows).map { _ in Int32(rng.nextInt(tableRows)) }
        let table = Buf(random: tableRows * width, &rng), w = Buf(random: rows * width, &rng)
        let out = Buf(rows * width), dtable = Buf(tableRows * width), partials = Buf(2)
        let factor: Float = 1.7
        var scale = Buf(1)
        scale[0] = factor
        ids.withUnsafeBufferPointer { ip in
            let idp = ip.baseAddress!
            Embedding.scatterAdd(ids: idp, dy: w.p, width: width, factor: factor, dtable: dtable.p, tableRows: tableRows, rows: rows, pool: pool)
            let loss = {
                Embedding.gather(ids: idp, table: table.p, width: width, factor: scale[0], out: out.p, rows: rows, accumulate: false, pool: pool)
                return weightedSum(out.p, w)
            }
            #expect(finiteDifferenceError(x: table.p, count: table.count, analytic: { dtable[$0] }, loss: loss) < tolerance)
            let dScale = Embedding.dotGathered(ids: idp, table: table.p, dy: w.p, width: width, factor: 1, rows: rows, partials: partials.p, pool: pool)
            #expect(finiteDifferenceError(x: scale.p, count: 1, analytic: { _ in dScale }, loss: loss) < tolerance)
        }
        scale = Buf(0)
    }

    @Test func residualAdd() {
        var rng = Xoshiro256(seed: 9)
        let a = Buf(random: 100, &rng), b = Buf(random: 100, &rng), c = Buf(100)
        Residual.add(a.p, b.p, out: c.p, count: 100, pool: pool)
        #expect((0..<100).allSatisfy { c[$0] == a[$0] + b[$0] })
    }
}

private func _tanh(_ x: Double) -> Double { Foundation.tanh(x) }
