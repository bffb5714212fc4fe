import Foundation
import LimeCompute
import Testing
@testable import LimeTransformer

@Suite struct OptimizerTests {
    @Test func learningRateWarmsUpThenFollowsACosine() {
        let s = LearningRateSchedule(peak: 1, minimum: 0.1, warmupSteps: 4, totalSteps: 14)
        #expect(s.rate(at: 0) == 0.25)
        #expect(s.rate(at: 3) == 1)
        #expect(abs(s.rate(at: 9) - 0.55) < 1e-6)  // halfway through the decay
        #expect(abs(s.rate(at: 13) - (0.1 + 0.9 * Float(0.5 * (1 + cos(Double.pi * 0.9))))) < 1e-6)
        #expect(s.rate(at: 14) == 0.1 && s.rate(at: 100) == 0.1)
    }

    @Test func clippingScalesToTheMaximumNorm() {
        let g = Buf(3)
        g[0] = 3; g[1] = 4; g[2] = 0
        #expect(GradientClipping.clip(g.p, count: 3, maxNorm: 10) == 5)
        #expect(g.array == [3, 4, 0])
        #expect(GradientClipping.clip(g.p, count: 3, maxNorm: 1) == 5)
        #expect(abs(GradientClipping.norm(g.p, count: 3) - 1) < 1e-6)
    }

    @Test func adamWMatchesTheUpdateRuleAndSkipsDecayWhereMarked() {
        let store = ParameterStore(layout: [("w", [2], true), ("gain", [1], false)])
        let w = store.value("w"), gain = store.value("gain")
        w[0] = 1; w[1] = -2; gain[0] = 0.5
        let adam = AdamW(store: store, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1)
        let pool = ThreadPool(threads: 2)
        let grads: [[Float]] = [[0.5, -1, 2], [0.25, 0.5, -1]]
        // Hand-computed reference in Double.
        var p: [Double] = [1, -2, 0.5], m = [0.0, 0, 0], v = [0.0, 0, 0]
        let decays = [true, true, false]
        for (step, g) in grads.enumerated() {
            store.grad("w")[0] = g[0]; store.grad("w")[1] = g[1]; store.grad("gain")[0] = g[2]
            adam.update(lr: 0.01, pool: pool)
            let t = Double(step + 1)
            for i in 0..<3 {
                m[i] = 0.9 * m[i] + 0.1 * Double(g[i])
                v[i] = 0.95 * v[i] + 0.05 * Double(g[i]) * Double(g[i])
                let update = (m[i] / (1 - pow(0.9, t))) / ((v[i] / (1 - pow(0.95, t))).squareRoot() + 1e-8)
                p[i] -= 0.01 * update + (decays[i] ? 0.01 * 0.1 * p[i] : 0)
            }
        }
        let got = [Double(w[0]), Double(w[1]), Double(gain[0])]
        for i in 0..<3 { #expect(abs(got[i] - p[i]) < 1e-6, "parameter \(i): \(got[i]) vs \(p[i])") }
        #expect(adam.step == 2)
    }

    @Test func flatAdamClipsThenStepsAndZeroesTheGradients() {
        // The entity network's optimizer: global-norm clipping at 1, then Adam without decay.
        let p = Buf(2), g = Buf(2)
        p[0] = 1; p[1] = -1
        let adam = Adam(count: 2, beta1: 0.9, beta2: 0.999, eps: 1e-8, maxGradNorm: 1)
        let grads: [[Double]] = [[3, 4], [0.3, -0.4]]  // norms 5 (clipped to 1) and 0.5 (kept)
        var want: [Double] = [1, -1], m = [0.0, 0], v = [0.0, 0]
        for (step, raw) in grads.enumerated() {
            g[0] = Float(raw[0]); g[1] = Float(raw[1])
            let norm = adam.update(p.p, g.p, learningRate: 0.1)
            let length = (raw[0] * raw[0] + raw[1] * raw[1]).squareRoot()
            #expect(abs(Double(norm) - length) < 1e-6)
            #expect(g.array == [0, 0])
            let scale = min(1, 1 / length), t = Double(step + 1)
            for i in 0..<2 {
                let gi = raw[i] * scale
                m[i] = 0.9 * m[i] + 0.1 * gi
                v[i] = 0.999 * v[i] + 0.001 * gi * gi
                want[i] -= 0.1 * (m[i] / (1 - pow(0.9, t))) / ((v[i] / (1 - pow(0.999, t))).squareRoot() + 1e-8)
            }
        }
        for i in 0..<2 { #expect(abs(Double(p[i]) - want[i]) < 1e-6, "parameter \(i): \(p[i]) vs \(want[i])") }
        #expect(adam.step == 2)
    }

    @Test func samplingPicksTheArgmaxGreedilyAndFollowsTheDistribution() {
        let logits: [Float] = [0.1, 2.0, -1.0, 2.0]
        #expect(Sampling.greedy(logits[...]) == 1)
        var rng = Xoshiro256(seed: 3)
        var counts = [0, 0, 0, 0]
        for _ in 0..<4000 { counts[Sampling.sample(logits[...], temperature: 1, rng: &rng)] += 1 }
        // p = softmax: [0.067, 0.445, 0.022, 0.445]
        #expect(counts[1] > 1600 && counts[3] > 1600 && counts[2] < 200)
        for _ in 0..<100 { #expect([1, 3].contains(Sampling.sample(logits[...], temperature: 1, topK: 2, rng: &rng))) }
        #expect(MetadataAlignment.nextTokenMetadata([4, 5, 6][...]) == [5, 6])
    }
}

@Suite struct RandomTests {
    @Test func generatorIsReproducibleAndRestorable() {
        var a = Xoshiro256(seed: 1), b = Xoshiro256(seed: 1), c = Xoshiro256(seed: 2)
        let first = (0..<4).map { _ in a.next() }
        #expect(first == (0..<4).map { _ in b.next() })
        #expect(first != (0..<4).map { _ in c.next() })
        var restored = Xoshiro256(state: a.state)
        #expect(restored.next() == a.next())
        let normals = (0..<20000).map { _ in Double(a.nextNormal()) }
        let mean = normals.reduce(0, +) / 20000
        let variance = normals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 20000
        #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.05)
    }
}
