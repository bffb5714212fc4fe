import Foundation
import LimeCompute
import Testing
@testable import LimeTransformer

/// The metadata-prediction head: its kernel and the whole model with it, by finite differences.
@Suite struct MetadataHeadTests {
    static let config: ModelConfig = {
        var c = TinySetup.config
        c.metadataHead = true
        return c
    }()

    /// `TinySetup.batch` with head targets (one ignored per kind).
    static func batch(seed: UInt64) -> Transformer.Batch {
        var b = TinySetup.batch(seed: seed)
        var rng = Xoshiro256(seed: seed &+ 100)
        b.metadataTargets = config.metadataVocabSizes.enumerated().map { k, size in
            var ids = (0..<b.tokens.count).map { _ in Int32(rng.nextInt(size)) }
            ids[5 + k] = -1
            return ids
        }
        return b
    }

    /// Like `TinySetup.model`, with the head (weights scaled up, biases non-zero).
    static func model(threads: Int = 2, seed: UInt64 = 42) throws -> Transformer {
        let model = try Transformer(config: config, maxBatch: 2, threads: threads, seed: seed)
        var rng = Xoshiro256(seed: seed &+ 1)
        for t in model.parameters.tensors {
            let p = model.parameters.values + t.offset
            for i in 0..<t.count {
                p[i] = t.shape.count == 1 ? 1 + 0.3 * (2 * rng.nextFloat() - 1) : p[i] * 10
            }
        }
        model.metadataHeadWeight = 0.7
        return model
    }

    @Test func linearHeadWithCrossEntropyMatchesFiniteDifferences() {
        let pool = ThreadPool(threads: 2)
        let matmul = Matmul(pool: pool)
        var rng = Xoshiro256(seed: 21)
        let (rows, width, classes) = (19, 12, 7)
        let h = Buf(random: rows * width, &rng), w = Buf(random: width * classes, &rng), b = Buf(random: classes, &rng)
        let z = Buf(rows * classes), losses = Buf(rows)
        let dh = Buf(rows * width), dw = Buf(width * classes), db = Buf(classes)
        let targets: [Int32] = (0..<rows).map { $0 == 4 ? -1 : Int32(rng.nextInt(classes)) }
        let count = rows - 1
        // dh starts from another consumer's gradient: the head must add to it.
        for i in 0..<dh.count { dh[i] = 0.25 }
        LinearHead.forward(h: h.p, weight: w.p, bias: b.p, out: z.p, rows: rows, width: width, classes: classes, matmul: matmul)
        // Row 2 by hand.
        let expected = (0..<width).reduce(Double(b[3])) { $0 + Double(h[2 * width + $1]) * Double(w[$1 * classes + 3]) }
        #expect(abs(Double(z[2 * classes + 3]) - expected) < 1e-5)
        targets.withUnsafeBufferPointer { tp in
            CrossEntropy.forward(logits: z.p, targets: tp.baseAddress!, losses: losses.p, rows: rows, vocab: classes, gradScale: 1 / Float(count), pool: pool)
        }
        LinearHead.backward(dz: z.p, h: h.p, weight: w.p, dh: dh.p, dweight: dw.p, dbias: db.p, accumulate: false, rows: rows, width: width, classes: classes, matmul: matmul)
        let loss = { () -> Double in
            LinearHead.forward(h: h.p, weight: w.p, bias: b.p, out: z.p, rows: rows, width: width, classes: classes, matmul: matmul)
            targets.withUnsafeBufferPointer { tp in
                CrossEntropy.forward(logits: z.p, targets: tp.baseAddress!, losses: losses.p, rows: rows, vocab: classes, gradScale: nil, pool: pool)
            }
            return (0..<rows).reduce(0.0) { $0 + Double(losses[$1]) } / Double(count)
        }
        #expect(finiteDifferenceError(x: h.p, count: h.count, analytic: { dh[$0] - 0.25 }, samples: 40, loss: loss) < 2e-2)
        #expect(finiteDifferenceError(x: w.p, count: w.count, analytic: { dw[$0] }, samples: 40, loss: loss) < 2e-2)
        #expect(finiteDifferenceError(x: b.p, count: b.count, analytic: { db[$0] }, loss: loss) < 2e-2)
        // The ignored row contributes nothing to dh.
        #expect((0..<width).allSatisfy { dh[4 * width + $0] == 0.25 })
    }

    @Test func wholeModelWithHeadMatchesFiniteDifferences() throws {
        let model = try Self.model()
        let batch = Self.batch(seed: 3)
        _ = try model.loss(batch, gradients: true)
        let p = model.parameters
        let grads = Array(UnsafeBufferPointer(start: p.grads, count: p.count))
        var checked: [String] = []
        for (k, t) in p.tensors.enumerated() {
            let err = finiteDifferenceError(
                x: p.values + t.offset, count: t.count, analytic: { grads[t.offset + $0] }, samples: 3,
                h: 1e-2, absTol: 2e-3, seed: UInt64(k)
            ) { Double(try! model.loss(batch, gradients: false)) }
            #expect(err < 5e-2, "\(t.name): finite-difference error \(err)")
            checked.append(t.name)
        }
        #expect(checked.contains("head.meta0") && checked.contains("head.meta1.bias"))
        let head = p.tensor("head.meta1")
        #expect((0..<head.count).contains { grads[head.offset + $0] != 0 })
    }

    @Test func lossIsLanguageModelPlusWeightedHeadLosses() throws {
        let model = try Self.model()
        let batch = Self.batch(seed: 4)
        let total = try model.loss(batch, gradients: false)
        let parts = model.lastMetadataLosses
        #expect(parts.count == 2 && parts.allSatisfy { $0 > 0 })
        #expect(abs(total - (model.lastLanguageModelLoss + 0.7 * (parts[0] + parts[1]))) < 1e-5)
        // Without head targets the loss is the language model's alone, and the same as with them.
        var plain = batch
        plain.metadataTargets = []
        #expect(try model.loss(plain, gradients: false) == model.lastLanguageModelLoss)
        // Head kind 0's mean cross-entropy by hand from the exposed logits.
        _ = try model.logits(batch)
        let logits = model.metadataLogits(kind: 0)
        let classes = Self.config.metadataVocabSizes[0]
        var sum = 0.0, count = 0
        for r in 0..<batch.tokens.count where batch.metadataTargets[0][r] >= 0 {
            let row = (0..<classes).map { Double(logits[r * classes + $0]) }
            let mx = row.max()!
            sum += log(row.map { exp($0 - mx) }.reduce(0, +)) + mx - row[Int(batch.metadataTargets[0][r])]
            count += 1
        }
        #expect(abs(sum / Double(count) - Double(parts[0])) < 1e-4)
    }

    @Test func headLeavesTheRestOfTheModelAsItWas() throws {
        // Same seed: the shared tensors start identical, and with weight 0 the loss and the
        // gradients of every shared tensor are the head-less model's, bit for bit.
        let plain = try Transformer(config: TinySetup.config, maxBatch: 2, threads: 2, seed: 9)
        let headed = try Transformer(config: Self.config, maxBatch: 2, threads: 2, seed: 9)
        headed.metadataHeadWeight = 0
        let shared = plain.parameters.count
        #expect(headed.parameters.count > shared)
        #expect(Array(UnsafeBufferPointer(start: plain.parameters.values, count: shared)) == Array(UnsafeBufferPointer(start: headed.parameters.values, count: shared)))
        let batch = Self.batch(seed: 5)
        var lmOnly = batch
        lmOnly.metadataTargets = []
        let a = try plain.loss(lmOnly, gradients: true)
        let b = try headed.loss(batch, gradients: true)
        #expect(a == b)
        #expect(Array(UnsafeBufferPointer(start: plain.parameters.grads, count: shared)) == Array(UnsafeBufferPointer(start: headed.parameters.grads, count: shared)))
        let bias = headed.parameters.tensor("head.meta0.bias")
        #expect((0..<bias.count).allSatisfy { headed.parameters.values[bias.offset + $0] == 0 })
    }

    @Test func sameBitsForAnyThreadCountAndClearErrors() throws {
        let batch = Self.batch(seed: 6)
        var results: [[Float]] = []
        for threads in [1, 3] {
            let model = try Self.model(threads: threads)
            _ = try model.loss(batch, gradients: true)
            results.append(Array(UnsafeBufferPointer(start: model.parameters.grads, count: model.parameters.count)))
        }
        #expect(results[0] == results[1])
        let plain = try TinySetup.model()
        #expect(throws: ConfigError.self) { try plain.loss(batch, gradients: false) }
        var bad = batch
        bad.metadataTargets[1][0] = 4
        #expect(throws: ConfigError.self) { try Self.model().loss(bad, gradients: false) }
        #expect(throws: ConfigError.self) {
            try Transformer(config: ModelConfig(vocabSize: 10, contextLength: 4, layers: 1, dModel: 8, heads: 2, metadataHead: true), maxBatch: 1, threads: 1, seed: 0)
        }
    }

    @Test func parameterCountOfTheHead() throws {
        let c = ModelConfig(vocabSize: 100, contextLength: 8, layers: 1, dModel: 32, heads: 2, metadataVocabSizes: [53, 40], metadataHead: true)
        var plain = c
        plain.metadataHead = false
        let extra = ParameterStore(layout: Transformer.layout(c)).parameterCount - ParameterStore(layout: Transformer.layout(plain)).parameterCount
        #expect(extra == (32 + 1) * (53 + 40))
    }
}
