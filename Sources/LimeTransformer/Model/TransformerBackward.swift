import LimeCompute
/// The backward pass from d loss / d logits (left in `work.logits`) to every parameter.
extension Transformer {
    func backward(_ b: Batch, accumulate acc: Bool) {
        let c = config, d = c.dModel, f = c.mlpWidth, m = b.batch * b.length, v = c.vocabSize
        let pool = self.pool
        let dRes = work.dRes, dH = work.dH
        profiler.time(.matmul) {
            // dE (tied output) = dlogitsᵀ · hF ; dhF = dlogits · E
            matmul.multiply(m: v, n: d, k: m, a: GemmOperand(work.logits, ld: v, transposed: true), b: GemmOperand(work.hFinal, ld: d), c: grd(slots.token), ldc: d, accumulate: acc)
            matmul.multiply(m: m, n: d, k: v, a: GemmOperand(work.logits, ld: v), b: GemmOperand(val(slots.token), ld: d), c: dH, ldc: d)
        }
        if c.metadataHead { metadataHeadBackward(b, accumulate: acc) }
        profiler.time(.norm) {
            for i in 0..<(m * d) { dRes[i] = 0 }
            RMSNorm.backward(dH, x: work.xFinal, gain: val(slots.finalNorm), rstd: work.rstdFinal, dx: dRes, dgain: grd(slots.finalNorm), accumulateGain: acc, partials: work.partials, rows: m, width: d, pool: pool)
        }
        for l in stride(from: c.layers - 1, through: 0, by: -1) {
            let w = work.layers[l]
            profiler.time(.matmul) {
                matmul.multiply(m: m, n: f, k: d, a: GemmOperand(dRes, ld: d), b: GemmOperand(val(slots.layers[l].down), ld: d, transposed: true), c: work.dAct, ldc: f)
                matmul.multiply(m: f, n: d, k: m, a: GemmOperand(w.act, ld: f, transposed: true), b: GemmOperand(dRes, ld: d), c: grd(slots.layers[l].down), ldc: d, accumulate: acc)
            }
            profiler.time(.activation) { GeGLU.backward(work.dAct, u: w.u, du: work.dU, rows: m, width: f, pool: pool) }
            profiler.time(.matmul) {
                matmul.multiply(m: m, n: d, k: 2 * f, a: GemmOperand(work.dU, ld: 2 * f), b: GemmOperand(val(slots.layers[l].up), ld: 2 * f, transposed: true), c: dH, ldc: d)
                matmul.multiply(m: d, n: 2 * f, k: m, a: GemmOperand(w.h2, ld: d, transposed: true), b: GemmOperand(work.dU, ld: 2 * f), c: grd(slots.layers[l].up), ldc: 2 * f, accumulate: acc)
            }
            profiler.time(.norm) {
                RMSNorm.backward(dH, x: w.xMid, gain: val(slots.layers[l].norm2), rstd: w.rstd2, dx: dRes, dgain: grd(slots.layers[l].norm2), accumulateGain: acc, partials: work.partials, rows: m, width: d, pool: pool)
            }
            profiler.time(.matmul) {
                matmul.multiply(m: m, n: d, k: d, a: GemmOperand(dRes, ld: d), b: GemmOperand(val(slots.layers[l].out), ld: d, transposed: true), c: work.dAtt, ldc: d)
                matmul.multiply(m: d, n: d, k: m, a: GemmOperand(w.att, ld: d, transposed: true), b: GemmOperand(dRes, ld: d), c: grd(slots.layers[l].out), ldc: d, accumulate: acc)
            }
            profiler.time(.attention) {
                Attention.backward(dout: work.dAtt, qkv: w.qkv, probs: w.probs, dqkv: work.dQKV, scratch: work.attnScratch, batch: b.batch, length: b.length, heads: c.heads, headDim: c.headDim, matmul: matmul)
            }
            profiler.time(.rope) {
                rope.apply(work.dQKV, rows: m, length: b.length, heads: c.heads, rowStride: 3 * d, inverse: true, pool: pool)
            }
            profiler.time(.matmul) {
                matmul.multiply(m: m, n: d, k: 3 * d, a: GemmOperand(work.dQKV, ld: 3 * d), b: GemmOperand(val(slots.layers[l].qkv), ld: 3 * d, transposed: true), c: dH, ldc: d)
                matmul.multiply(m: d, n: 3 * d, k: m, a: GemmOperand(w.h1, ld: d, transposed: true), b: GemmOperand(work.dQKV, ld: 3 * d), c: grd(slots.layers[l].qkv), ldc: 3 * d, accumulate: acc)
            }
            profiler.time(.norm) {
                RMSNorm.backward(dH, x: w.xIn, gain: val(slots.layers[l].norm1), rstd: w.rstd1, dx: dRes, dgain: grd(slots.layers[l].norm1), accumulateGain: acc, partials: work.partials, rows: m, width: d, pool: pool)
            }
        }
        let scale = embedScale
        b.tokens.withUnsafeBufferPointer { tokens in
            profiler.time(.embedding) {
                Embedding.scatterAdd(ids: tokens.baseAddress!, dy: dRes, width: d, factor: scale, dtable: grd(slots.token), tableRows: v, rows: m, pool: pool)
                for k in 0..<c.metadataVocabSizes.count {
                    let tableRows = c.metadataVocabSizes[k]
                    let wk = val(slots.metaScale[k])[0]
                    if !acc {
                        let g = grd(slots.meta[k])
                        for i in 0..<(tableRows * d) { g[i] = 0 }
                    }
                    b.metadata[k].withUnsafeBufferPointer { ids in
                        Embedding.scatterAdd(ids: ids.baseAddress!, dy: dRes, width: d, factor: scale * wk, dtable: grd(slots.meta[k]), tableRows: tableRows, rows: m, pool: pool)
                        let dw = Embedding.dotGathered(ids: ids.baseAddress!, table: val(slots.meta[k]), dy: dRes, width: d, factor: scale, rows: m, partials: work.partials, pool: pool)
                        let gw = grd(slots.metaScale[k])
                        gw[0] = acc ? gw[0] + dw : dw
                    }
                }
            }
        }
    }
}
