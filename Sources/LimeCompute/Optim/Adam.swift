/// Adam without weight decay over one flat parameter buffer, after global-norm gradient
/// clipping (the entity network's optimizer; the transformer uses AdamW per tensor).
public final class Adam {
    public let beta1: Float, beta2: Float, eps: Float
    /// The largest global gradient norm an update applies; larger gradients are scaled down.
    public let maxGradNorm: Float
    /// Completed steps.
    public private(set) var step = 0
    private let count: Int
    private let m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>

    public init(count: Int, beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8, maxGradNorm: Float = 5) {
        self.count = count
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.maxGradNorm = maxGradNorm
        m = .allocate(capacity: max(count, 1))
        v = .allocate(capacity: max(count, 1))
        m.initialize(repeating: 0, count: max(count, 1))
        v.initialize(repeating: 0, count: max(count, 1))
    }

    deinit {
        m.deallocate()
        v.deallocate()
    }

    /// Clips gradient `g`, applies it to `p` and zeroes `g`; returns the norm before clipping.
    @discardableResult
    public func update(_ p: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, learningRate: Float) -> Float {
        step += 1
        let norm = GradientClipping.clip(g, count: count, maxNorm: maxGradNorm)
        AdamStep(beta1: beta1, beta2: beta2, eps: eps, step: step)
            .apply(p: p, g: g, m: m, v: v, range: 0..<count, lr: learningRate, decayRate: 0)
        g.update(repeating: 0, count: count)
        return norm
    }
}
