import Foundation
import LimeCompute
import Testing
@testable import LimeTransformer

/// A tiny LIME model (two metadata kinds) with a random batch.
struct TinySetup {
    static let config = ModelConfig(vocabSize: 23, contextLength: 8, layers: 2, dModel: 16, heads: 2, mlpWidth: 24, metadataVocabSizes: [5, 4])

    static func batch(seed: UInt64, batch: Int = 2, length: Int = 8, ignoreOne: Bool = true) -> Transformer.Batch {
        var rng = Xoshiro256(seed: seed)
        let n = batch * length
        let c = config
        let tokens = (0..<n).map { _ in Int32(rng.nextInt(c.vocabSize)) }
        var targets = (0..<n).map { _ in Int32(rng.nextInt(c.vocabSize)) }
        if ignoreOne { targets[3] = -1 }
        let meta = c.metadataVocabSizes.map { size in (0..<n).map { _ in Int32(rng.nextInt(size)) } }
        return Transformer.Batch(batch: batch, length: length, tokens: tokens, metadata: meta, targets: targets)
    }

    /// A model whose weights are scaled up (std 0.2) so gradients are well above float noise,
    /// with non-unit gains and metadata scales so every parameter matters.
    static func model(threads: Int = 2, seed: UInt64 = 42) throws -> Transformer {
        let model = try Transformer(config: config, maxBatch: 2, threads: threads, seed: seed)
        var rng = Xoshiro256(seed: seed &+ 1)
        for t in model.parameters.tensors {
            let p = model.parameters.values + t.offset
            for i in 0..<t.count {
                p[i] = t.shape.count == 1 ? 1 + 0.3 * (2 * rng.nextFloat() - 1) : p[i] * 10
            }
        }
        return model
    }
}

@Suite struct TransformerTests {
    @Test func wholeModelGradientMatchesFiniteDifferences() throws {
        let model = try TinySetup.model()
        let batch = TinySetup.batch(seed: 3)
        _ = try model.loss(batch, gradients: true)
        let p = model.parameters
        let grads = Array(UnsafeBufferPointer(start: p.grads, count: p.count))
        var worst = 0.0
        for (k, t) in p.tensors.enumerated() {
            let err = finiteDifferenceError(
                x: p.values + t.offset, count: t.count, analytic: { grads[t.offset + $0] }, samples: 3,
                h: 1e-2, absTol: 2e-3, seed: UInt64(k)
            ) { Double(try! model.loss(batch, gradients: false)) }
            #expect(err < 5e-2, "\(t.name): finite-difference error \(err)")
            worst = max(worst, err)
        }
        #expect(worst > 0)
    }

    @Test func sameSeedSameBitsForAnyThreadCount() throws {
        let batch = TinySetup.batch(seed: 4)
        var results: [(Float, [Float])] = []
        for threads in [1, 2, 3] {
            let model = try TinySetup.model(threads: threads)
            let loss = try model.loss(batch, gradients: true)
            results.append((loss, Array(UnsafeBufferPointer(start: model.parameters.grads, count: model.parameters.count))))
        }
        #expect(results[0].0 == results[1].0 && results[0].0 == results[2].0)
        #expect(results[0].1 == results[1].1 && results[0].1 == results[2].1)
        let other = try TinySetup.model(threads: 1, seed: 43)
        #expect(try other.loss(batch, gradients: false) != results[0].0)
    }

    @Test func accumulatingGradientsAddsThem() throws {
        let model = try TinySetup.model()
        let p = model.parameters
        let batch = TinySetup.batch(seed: 5)
        _ = try model.loss(batch, gradients: true)
        let once = Array(UnsafeBufferPointer(start: p.grads, count: p.count))
        _ = try model.loss(batch, gradients: true, accumulate: true)
        let worst = (0..<p.count).map { abs(p.grads[$0] - 2 * once[$0]) / (1e-6 + abs(2 * once[$0])) }.max()!
        #expect(worst < 1e-4)
    }

    @Test func tinyModelOverfitsOneBatch() throws {
        let config = ModelConfig(vocabSize: 17, contextLength: 12, layers: 2, dModel: 32, heads: 4, metadataVocabSizes: [6])
        let model = try Transformer(config: config, maxBatch: 2, threads: 2, seed: 1)
        var rng = Xoshiro256(seed: 9)
        let tokens = (0..<24).map { _ in Int32(rng.nextInt(17)) }
        let targets = (0..<24).map { i in i % 12 == 11 ? Int32(rng.nextInt(17)) : tokens[i + 1] }
        let meta = [(0..<24).map { _ in Int32(rng.nextInt(6)) }]
        let batch = Transformer.Batch(batch: 2, length: 12, tokens: tokens, metadata: meta, targets: targets)
        let trainer = Trainer(model: model, schedule: LearningRateSchedule(peak: 1e-2, minimum: 1e-3, warmupSteps: 10, totalSteps: 150), weightDecay: 0)
        var first: Float = 0, last: Float = 0
        for step in 0..<150 {
            let r = try trainer.step(batch)
            if step == 0 { first = r.loss }
            last = r.loss
        }
        #expect(first > 2.5)
        #expect(last < 0.05, "loss after 150 steps: \(last)")
    }

    @Test func nextTokenLogitsMatchTheLastRowOfTheFullForward() throws {
        let model = try TinySetup.model()
        let batch = TinySetup.batch(seed: 6, batch: 1, length: 5, ignoreOne: false)
        let logits = try model.nextTokenLogits(batch)
        #expect(logits.count == 23)
        // The loss of target j at the last position is logsumexp - logit[j].
        var last = batch
        last.targets = [Int32](repeating: -1, count: 5)
        last.targets[4] = 7
        let loss = try model.loss(last, gradients: false)
        let mx = logits.max()!
        let lse = log(logits.map { exp(Double($0 - mx)) }.reduce(0, +)) + Double(mx)
        #expect(abs(Double(loss) - (lse - Double(logits[7]))) < 1e-4)
    }

    @Test func invalidInputsAreRejectedWithClearErrors() throws {
        let model = try TinySetup.model()
        var bad = TinySetup.batch(seed: 7)
        bad.tokens[0] = 99
        #expect(throws: ConfigError.self) { try model.loss(bad, gradients: false) }
        var noMeta = TinySetup.batch(seed: 7)
        noMeta.metadata = []
        do {
            _ = try model.loss(noMeta, gradients: false)
            Issue.record("missing metadata accepted")
        } catch let e as ConfigError {
            #expect(e.message.contains("metadata"))
        }
        #expect(throws: ConfigError.self) {
            try Transformer(config: ModelConfig(vocabSize: 10, contextLength: 4, layers: 1, dModel: 10, heads: 3), maxBatch: 1, threads: 1, seed: 0)
        }
    }

    @Test func parameterCountMatchesTheLayout() throws {
        let c = ModelConfig(vocabSize: 8000, contextLength: 16, layers: 4, dModel: 256, heads: 4)
        let d = 256, f = c.mlpWidth
        let expected = 8000 * d + 4 * (2 * d + 3 * d * d + d * d + 3 * d * f) + d
        #expect(ParameterStore(layout: Transformer.layout(c)).parameterCount == expected)
        #expect(f == 704)
    }
}
