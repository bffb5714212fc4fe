import Foundation

/// Adam (no weight decay) over a flat parameter buffer, with global-norm clipping at 5.
final class EntityAdam {
    private var m: [Float], v: [Float]
    private var t = 0
    let beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, clip: Float = 5

    init(count: Int) {
        m = [Float](repeating: 0, count: count)
        v = [Float](repeating: 0, count: count)
    }

    /// Applies gradient `g` to `p` and zeroes `g`.
    func update(_ p: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, learningRate: Float) {
        t += 1
        let count = m.count
        var norm: Float = 0
        for i in 0..<count { norm += g[i] * g[i] }
        let factor = norm.squareRoot() > clip ? clip / norm.squareRoot() : 1
        let c1 = 1 - powf(beta1, Float(t)), c2 = 1 - powf(beta2, Float(t))
        let step = learningRate * c2.squareRoot() / c1
        m.withUnsafeMutableBufferPointer { mb in
            v.withUnsafeMutableBufferPointer { vb in
                let m = mb.baseAddress!, v = vb.baseAddress!
                for i in 0..<count {
                    let gi = g[i] * factor
                    m[i] = beta1 * m[i] + (1 - beta1) * gi
                    v[i] = beta2 * v[i] + (1 - beta2) * gi * gi
                    p[i] -= step * m[i] / (v[i].squareRoot() + epsilon)
                    g[i] = 0
                }
            }
        }
    }
}
