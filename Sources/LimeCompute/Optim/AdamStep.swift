import Foundation

/// One Adam step's constants and its update of a contiguous parameter range: the update
/// both trainers take (the transformer's AdamW per tensor, the entity network's `Adam`).
///
/// `p -= lr * m̂ / (sqrt(v̂) + eps) + decayRate * p`, with `m̂ = m * c1`, `v̂ = v * c2` the
/// bias-corrected moments and `decayRate = lr * weightDecay` (0 for plain Adam).
public struct AdamStep: Sendable {
    public let beta1: Float, beta2: Float, eps: Float
    /// Bias corrections `1 / (1 - beta^t)` for step `t` (1-based).
    public let c1: Float, c2: Float

    public init(beta1: Float, beta2: Float, eps: Float, step: Int) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        c1 = 1 / (1 - Float(pow(Double(beta1), Double(step))))
        c2 = 1 / (1 - Float(pow(Double(beta2), Double(step))))
    }

    /// Updates the moments `m`, `v` and the parameters `p` over `range` from gradients `g`.
    @inlinable
    public func apply(p: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>,
                      v: UnsafeMutablePointer<Float>, range: Range<Int>, lr: Float, decayRate: Float) {
        let b1 = beta1, b2 = beta2, eps = eps, c1 = c1, c2 = c2
        for i in range {
            let gi = g[i]
            let mi = b1 * m[i] + (1 - b1) * gi
            let vi = b2 * v[i] + (1 - b2) * gi * gi
            m[i] = mi
            v[i] = vi
            p[i] -= lr * (mi * c1) / ((vi * c2).squareRoot() + eps) + decayRate * p[i]
        }
    }
}
