import Foundation
import LimeCompute

/// A decoder-only transformer with exact forward and backward passes over flat buffers.
///
/// Embedding: `x0 = sqrt(d) * (E_tok[t] + sum_k w_k E_k[a_k])` with one table and one
/// learnable scalar `w_k` (init 1) per metadata kind (LIME). Each layer: pre-norm RMSNorm,
/// fused qkv projection, RoPE, causal attention, output projection, residual; RMSNorm,
/// GeGLU MLP, residual. Final RMSNorm, logits against the tied token table, mean
/// cross-entropy over targets >= 0. With `config.metadataHead`, one linear + softmax per
/// metadata kind on the final normed state predicts metadata ids (`Batch.metadataTargets`);
/// its mean cross-entropy per kind, times `metadataHeadWeight`, is added to the loss.
/// Same seed and inputs give the same bits for any thread count.
public final class Transformer {
    public let config: ModelConfig
    public let parameters: ParameterStore
    public let maxBatch: Int
    public let matmul: Matmul
    public let profiler = Profiler()
    let rope: Rope
    let slots: ParameterSlots
    let work: Workspace
    /// Rows computed by the last forward pass (the extent of `metadataLogits`).
    var lastRows = 0
    /// Weight of each metadata kind's mean head cross-entropy in the training loss.
    public var metadataHeadWeight: Float = 0.1
    /// The language-model part of the last `loss` call (mean cross-entropy of the tokens).
    public internal(set) var lastLanguageModelLoss: Float = 0
    /// Mean head cross-entropy per metadata kind of the last `loss` call (empty without a head).
    public internal(set) var lastMetadataLosses: [Float]
    var pool: ThreadPool { matmul.pool }
    @inline(__always) func val(_ offset: Int) -> UnsafeMutablePointer<Float> { parameters.values + offset }
    @inline(__always) func grd(_ offset: Int) -> UnsafeMutablePointer<Float> { parameters.grads + offset }
    var embedScale: Float { Float(config.dModel).squareRoot() }

    /// Builds the model with workspace for `maxBatch` sequences, parameters from `seed`.
    public init(config: ModelConfig, maxBatch: Int, threads: Int, seed: UInt64) throws {
        try config.validate()
        guard maxBatch > 0 else { throw ConfigError(message: "maxBatch must be positive, got \(maxBatch)") }
        self.config = config
        self.maxBatch = maxBatch
        matmul = Matmul(pool: ThreadPool(threads: threads))
        parameters = ParameterStore(layout: Transformer.layout(config))
        slots = ParameterSlots(parameters, config: config)
        rope = Rope(maxLength: config.contextLength, headDim: config.headDim, base: config.ropeBase)
        work = Workspace(config: config, maxBatch: maxBatch, threads: matmul.pool.threadCount)
        lastMetadataLosses = config.metadataHead ? config.metadataVocabSizes.map { _ in 0 } : []
        initialize(seed: seed)
    }

    /// Parameter names, shapes and weight-decay flags in storage order (head tensors last,
    /// so a model with a head starts from the same weights as one without).
    public static func layout(_ c: ModelConfig) -> [(String, [Int], Bool)] {
        let d = c.dModel, f = c.mlpWidth
        var layout: [(String, [Int], Bool)] = [("embed.token", [c.vocabSize, d], true)]
        for (k, rows) in c.metadataVocabSizes.enumerated() {
            layout.append(("embed.meta\(k)", [rows, d], true))
            layout.append(("embed.meta\(k).scale", [1], false))
        }
        for l in 0..<c.layers {
            layout += [
                ("layer\(l).norm1", [d], false), ("layer\(l).qkv", [d, 3 * d], true),
                ("layer\(l).out", [d, d], true), ("layer\(l).norm2", [d], false),
                ("layer\(l).up", [d, 2 * f], true), ("layer\(l).down", [f, d], true),
            ]
        }
        layout.append(("final.norm", [d], false))
        if c.metadataHead {
            for (k, rows) in c.metadataVocabSizes.enumerated() {
                layout.append(("head.meta\(k)", [d, rows], true))
                layout.append(("head.meta\(k).bias", [rows], false))
            }
        }
        return layout
    }

    /// Resets parameters: normal(0, 0.02) matrices and tables (output projections scaled by
    /// 1/sqrt(2 * layers)), unit norm gains and metadata scales, zero head biases.
    public func initialize(seed: UInt64) {
        var rng = Xoshiro256(seed: seed)
        let residualScale = 1 / Float(2 * config.layers).squareRoot()
        for t in parameters.tensors {
            let p = parameters.values + t.offset
            if t.shape.count == 1 {
                let one: Float = t.name.hasSuffix(".bias") ? 0 : 1
                for i in 0..<t.count { p[i] = one }
            } else {
                let std: Float = (t.name.hasSuffix(".out") || t.name.hasSuffix(".down")) ? 0.02 * residualScale : 0.02
                for i in 0..<t.count { p[i] = std * rng.nextNormal() }
            }
        }
    }

    // MARK: inputs

    /// Token ids, metadata ids per kind, and targets for `batch x length` positions (row-major).
    public struct Batch {
        public var batch: Int
        public var length: Int
        public var tokens: [Int32]
        public var metadata: [[Int32]]
        /// Next-token targets; negative entries are ignored by the loss.
        public var targets: [Int32]
        /// Targets of the metadata head, one array per kind (negative entries ignored); empty:
        /// the loss leaves the head out.
        public var metadataTargets: [[Int32]]
        public init(batch: Int, length: Int, tokens: [Int32], metadata: [[Int32]] = [], targets: [Int32] = [], metadataTargets: [[Int32]] = []) {
            self.batch = batch
            self.length = length
            self.tokens = tokens
            self.metadata = metadata
            self.targets = targets
            self.metadataTargets = metadataTargets
        }
    }

    /// Throws a `ConfigError` describing the first mismatch between `b` and the model.
    public func check(_ b: Batch, needsTargets: Bool) throws {
        let n = b.batch * b.length
        func fail(_ m: String) throws -> Never { throw ConfigError(message: m) }
        if b.batch < 1 || b.batch > maxBatch { try fail("batch \(b.batch) outside 1...\(maxBatch)") }
        if b.length < 1 || b.length > config.contextLength { try fail("length \(b.length) outside 1...\(config.contextLength)") }
        if b.tokens.count != n { try fail("expected \(n) token ids, got \(b.tokens.count)") }
        if let bad = b.tokens.first(where: { $0 < 0 || Int($0) >= config.vocabSize }) { try fail("token id \(bad) outside 0..<\(config.vocabSize)") }
        if b.metadata.count != config.metadataVocabSizes.count {
            try fail("expected \(config.metadataVocabSizes.count) metadata id arrays, got \(b.metadata.count)")
        }
        for (k, ids) in b.metadata.enumerated() {
            if ids.count != n { try fail("metadata kind \(k): expected \(n) ids, got \(ids.count)") }
            let size = config.metadataVocabSizes[k]
            if let bad = ids.first(where: { $0 < 0 || Int($0) >= size }) { try fail("metadata kind \(k): id \(bad) outside 0..<\(size)") }
        }
        if needsTargets {
            if b.targets.count != n { try fail("expected \(n) targets, got \(b.targets.count)") }
            if let bad = b.targets.first(where: { Int($0) >= config.vocabSize }) { try fail("target \(bad) outside vocabulary \(config.vocabSize)") }
            if !b.targets.contains(where: { $0 >= 0 }) { try fail("every target is ignored (negative)") }
        }
        if !b.metadataTargets.isEmpty {
            if !config.metadataHead { try fail("metadata targets given but the model has no metadata head") }
            if b.metadataTargets.count != config.metadataVocabSizes.count {
                try fail("expected \(config.metadataVocabSizes.count) metadata target arrays, got \(b.metadataTargets.count)")
            }
            for (k, ids) in b.metadataTargets.enumerated() {
                if ids.count != n { try fail("metadata kind \(k): expected \(n) head targets, got \(ids.count)") }
                let size = config.metadataVocabSizes[k]
                if let bad = ids.first(where: { Int($0) >= size }) { try fail("metadata kind \(k): head target \(bad) outside 0..<\(size)") }
            }
        }
    }

    // MARK: training step

    /// Mean cross-entropy of the batch, plus `metadataHeadWeight` times each kind's mean head
    /// cross-entropy when the batch has metadata targets; with `gradients`, also writes (or
    /// with `accumulate`, adds) d loss / d parameters into `parameters.grads`. The parts are
    /// kept in `lastLanguageModelLoss` and `lastMetadataLosses`.
    public func loss(_ b: Batch, gradients: Bool, accumulate: Bool = false) throws -> Float {
        try check(b, needsTargets: true)
        let rows = b.batch * b.length
        let count = b.targets.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) }
        forwardBody(b)
        let logits = work.logits, losses = work.losses
        b.targets.withUnsafeBufferPointer { tp in
            profiler.time(.loss) {
                CrossEntropy.forward(
                    logits: logits, targets: tp.baseAddress!, losses: losses, rows: rows,
                    vocab: config.vocabSize, gradScale: gradients ? 1 / Float(count) : nil, pool: pool)
            }
        }
        var total: Double = 0
        for r in 0..<rows { total += Double(losses[r]) }
        let lm = Float(total / Double(count))
        lastLanguageModelLoss = lm
        let head = b.metadataTargets.isEmpty ? 0 : metadataHeadLoss(b, gradients: gradients)
        if gradients { backward(b, accumulate: accumulate) }
        return b.metadataTargets.isEmpty ? lm : lm + metadataHeadWeight * head
    }

    /// The head's logits for metadata kind `kind` at every row of the last forward pass
    /// (`rows x metadataVocabSizes[kind]`, row-major; valid until the model's next call).
    public func metadataLogits(kind: Int) -> UnsafeBufferPointer<Float> {
        precondition(config.metadataHead, "the model has no metadata head")
        return UnsafeBufferPointer(start: work.headLogits[kind], count: lastRows * config.metadataVocabSizes[kind])
    }

    /// Logits of the next token after each sequence's last position (`batch x vocab`),
    /// for greedy or sampled generation. `b.targets` is not used.
    public func nextTokenLogits(_ b: Batch) throws -> [Float] {
        try check(b, needsTargets: false)
        forwardBody(b, lastOnly: true)
        let v = config.vocabSize
        return (0..<b.batch).flatMap { i in Array(UnsafeBufferPointer(start: work.logits + i * v, count: v)) }
    }
}
