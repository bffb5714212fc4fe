import LimeCompute
/// The forward pass up to the logits.
extension Transformer {
    func forwardBody(_ b: Batch, lastOnly: Bool = false) {
        let c = config, d = c.dModel, f = c.mlpWidth, m = b.batch * b.length
        let pool = self.pool
        let x0 = work.layers[0].xIn
        b.tokens.withUnsafeBufferPointer { tokens in
            profiler.time(.embedding) {
                Embedding.gather(
                    ids: tokens.baseAddress!, table: val(slots.token), width: d, factor: embedScale,
                    out: x0, rows: m, accumulate: false, pool: pool)
                for k in 0..<c.metadataVocabSizes.count {
                    let w = val(slots.metaScale[k])[0]
                    b.metadata[k].withUnsafeBufferPointer { ids in
                        Embedding.gather(
                            ids: ids.baseAddress!, table: val(slots.meta[k]), width: d, factor: embedScale * w,
                            out: x0, rows: m, accumulate: true, pool: pool)
                    }
                }
            }
        }
        for l in 0..<c.layers {
            let w = work.layers[l]
            let xNext = l + 1 < c.layers ? work.layers[l + 1].xIn : work.xFinal
            profiler.time(.norm) {
                RMSNorm.forward(w.xIn, gain: val(slots.layers[l].norm1), out: w.h1, rstd: w.rstd1, rows: m, width: d, eps: c.normEps, pool: pool)
            }
            profiler.time(.matmul) {
                matmul.multiply(m: m, n: 3 * d, k: d, a: GemmOperand(w.h1, ld: d), b: GemmOperand(val(slots.layers[l].qkv), ld: 3 * d), c: w.qkv, ldc: 3 * d)
            }
            profiler.time(.rope) {
                rope.apply(w.qkv, rows: m, length: b.length, heads: c.heads, rowStride: 3 * d, inverse: false, pool: pool)
            }
            profiler.time(.attention) {
                Attention.forward(qkv: w.qkv, out: w.att, probs: w.probs, batch: b.batch, length: b.length, heads: c.heads, headDim: c.headDim, matmul: matmul)
            }
            profiler.time(.matmul) {
                matmul.multiply(m: m, n: d, k: d, a: GemmOperand(w.att, ld: d), b: GemmOperand(val(slots.layers[l].out), ld: d), c: work.proj, ldc: d)
            }
            profiler.time(.residual) { Residual.add(w.xIn, work.proj, out: w.xMid, count: m * d, pool: pool) }
            profiler.time(.norm) {
                RMSNorm.forward(w.xMid, gain: val(slots.layers[l].norm2), out: w.h2, rstd: w.rstd2, rows: m, width: d, eps: c.normEps, pool: pool)
            }
            profiler.time(.matmul) {
                matmul.multiply(m: m, n: 2 * f, k: d, a: GemmOperand(w.h2, ld: d), b: GemmOperand(val(slots.layers[l].up), ld: 2 * f), c: w.u, ldc: 2 * f)
            }
            profiler.time(.activation) { GeGLU.forward(w.u, out: w.act, rows: m, width: f, pool: pool) }
            profiler.time(.matmul) {
                matmul.multiply(m: m, n: d, k: f, a: GemmOperand(w.act, ld: f), b: GemmOperand(val(slots.layers[l].down), ld: d), c: work.proj, ldc: d)
            }
            profiler.time(.residual) { Residual.add(w.xMid, work.proj, out: xNext, count: m * d, pool: pool) }
        }
        profiler.time(.norm) {
            RMSNorm.forward(work.xFinal, gain: val(slots.finalNorm), out: work.hFinal, rstd: work.rstdFinal, rows: m, width: d, eps: c.normEps, pool: pool)
        }
        let table = GemmOperand(val(slots.token), ld: d, transposed: true)
        profiler.time(.matmul) {
            if lastOnly {
                for i in 0..<b.batch {
                    let row = work.hFinal + (i * b.length + b.length - 1) * d
                    matmul.multiply(m: 1, n: c.vocabSize, k: d, a: GemmOperand(row, ld: d), b: table, c: work.logits + i * c.vocabSize, ldc: c.vocabSize)
                }
            } else {
                matmul.multiply(m: m, n: c.vocabSize, k: d, a: GemmOperand(work.hFinal, ld: d), b: table, c: work.logits, ldc: c.vocabSize)
            }
        }
        lastRows = m
        if c.metadataHead { metadataHeadForward(rows: m) }
    }
}
