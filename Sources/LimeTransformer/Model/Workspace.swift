import LimeCompute
/// Preallocated activations and gradient scratch for up to `maxBatch` sequences of the
/// model's context length: after construction a training step allocates nothing.
final class Workspace {
    struct Layer {
        let xIn, h1, rstd1, qkv, probs, att, xMid, h2, rstd2, u, act: UnsafeMutablePointer<Float>
    }

    let rows: Int
    let layers: [Layer]
    let xFinal, rstdFinal, hFinal, logits, losses, proj: UnsafeMutablePointer<Float>
    let dRes, dH, dQKV, dAtt, dU, dAct, attnScratch, partials: UnsafeMutablePointer<Float>
    /// Metadata-head logits (then their gradients) per kind, `rows x classes` (empty without a head).
    let headLogits: [UnsafeMutablePointer<Float>]
    private var owned: [UnsafeMutablePointer<Float>] = []

    init(config c: ModelConfig, maxBatch: Int, threads: Int) {
        let m = maxBatch * c.contextLength, d = c.dModel, f = c.mlpWidth, t = c.contextLength
        rows = m
        var owned: [UnsafeMutablePointer<Float>] = []
        func buffer(_ n: Int) -> UnsafeMutablePointer<Float> {
            let p = FloatBuffer.allocate(n)
            owned.append(p)
            return p
        }
        layers = (0..<c.layers).map { _ in
            Layer(
                xIn: buffer(m * d), h1: buffer(m * d), rstd1: buffer(m), qkv: buffer(m * 3 * d),
                probs: buffer(maxBatch * c.heads * t * t), att: buffer(m * d), xMid: buffer(m * d),
                h2: buffer(m * d), rstd2: buffer(m), u: buffer(m * 2 * f), act: buffer(m * f))
        }
        xFinal = buffer(m * d)
        rstdFinal = buffer(m)
        hFinal = buffer(m * d)
        logits = buffer(m * c.vocabSize)
        losses = buffer(m)
        proj = buffer(m * d)
        dRes = buffer(m * d)
        dH = buffer(m * d)
        dQKV = buffer(m * 3 * d)
        dAtt = buffer(m * d)
        dU = buffer(m * 2 * f)
        dAct = buffer(m * f)
        attnScratch = buffer(threads * t * t)
        partials = buffer(((m + 31) / 32) * max(d, 2))
        headLogits = c.metadataHead ? c.metadataVocabSizes.map { buffer(m * $0) } : []
        self.owned = owned
    }

    deinit { for p in owned { p.deallocate() } }
}
