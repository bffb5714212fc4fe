import LimeCompute
/// The metadata-prediction head: forward over the final normed states, its loss and its
/// share of the backward pass.
extension Transformer {
    /// Head logits for every row of `work.hFinal` (all rows, also for generation: the head
    /// is small next to the token logits).
    func metadataHeadForward(rows m: Int) {
        let c = config
        profiler.time(.metadataHead) {
            for (k, classes) in c.metadataVocabSizes.enumerated() {
                LinearHead.forward(
                    h: work.hFinal, weight: val(slots.head[k]), bias: val(slots.headBias[k]), out: work.headLogits[k],
                    rows: m, width: c.dModel, classes: classes, matmul: matmul)
            }
        }
    }

    /// Sum over kinds of the mean head cross-entropy (targets >= 0; a kind without targets
    /// adds 0). With `gradients`, each kind's logits are overwritten by d loss / d logits,
    /// the loss being `metadataHeadWeight` times this sum.
    func metadataHeadLoss(_ b: Batch, gradients: Bool) -> Float {
        let rows = b.batch * b.length
        var sum: Float = 0
        for (k, targets) in b.metadataTargets.enumerated() {
            let count = targets.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) }
            let logits = work.headLogits[k], losses = work.losses
            let scale: Float? = gradients ? metadataHeadWeight / Float(max(count, 1)) : nil
            targets.withUnsafeBufferPointer { tp in
                profiler.time(.metadataHead) {
                    CrossEntropy.forward(
                        logits: logits, targets: tp.baseAddress!, losses: losses, rows: rows,
                        vocab: config.metadataVocabSizes[k], gradScale: scale, pool: pool)
                }
            }
            var total: Double = 0
            for r in 0..<rows { total += Double(losses[r]) }
            let mean = count > 0 ? Float(total / Double(count)) : 0
            lastMetadataLosses[k] = mean
            sum += mean
        }
        return sum
    }

    /// Adds the head's contribution to `work.dH` and writes (or adds) its parameter
    /// gradients; without head targets in `b`, the head's gradients are zero.
    func metadataHeadBackward(_ b: Batch, accumulate acc: Bool) {
        let c = config, m = b.batch * b.length
        guard !b.metadataTargets.isEmpty else {
            if !acc {
                for t in parameters.tensors where t.name.hasPrefix("head.") {
                    let g = grd(t.offset)
                    for i in 0..<t.count { g[i] = 0 }
                }
            }
            return
        }
        profiler.time(.metadataHead) {
            for (k, classes) in c.metadataVocabSizes.enumerated() {
                LinearHead.backward(
                    dz: work.headLogits[k], h: work.hFinal, weight: val(slots.head[k]), dh: work.dH,
                    dweight: grd(slots.head[k]), dbias: grd(slots.headBias[k]), accumulate: acc,
                    rows: m, width: c.dModel, classes: classes, matmul: matmul)
            }
        }
    }
}
