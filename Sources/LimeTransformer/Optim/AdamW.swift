import Foundation
import LimeCompute

/// AdamW with decoupled weight decay over a `ParameterStore`'s flat buffers.
///
/// `p -= lr * (m̂ / (sqrt(v̂) + eps) + weightDecay * p)` for tensors marked `decay`
/// (matrices and embedding tables); norm gains and metadata scales are not decayed.
public final class AdamW {
    public var beta1: Float
    public var beta2: Float
    public var eps: Float
    public var weightDecay: Float
    /// Completed steps (bias correction uses `step + 1`).
    public private(set) var step = 0
    /// First and second moments, laid out like the parameters.
    public let m: UnsafeMutablePointer<Float>
    public let v: UnsafeMutablePointer<Float>
    let store: ParameterStore
    private let decayMask: UnsafeMutablePointer<(range: Range<Int>, decay: Bool)>
    private let tensorCount: Int

    public init(store: ParameterStore, beta1: Float = 0.9, beta2: Float = 0.95, eps: Float = 1e-8, weightDecay: Float = 0.1) {
        self.store = store
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
        m = FloatBuffer.allocate(store.count)
        v = FloatBuffer.allocate(store.count)
        tensorCount = store.tensors.count
        decayMask = .allocate(capacity: tensorCount)
        for (i, t) in store.tensors.enumerated() { (decayMask + i).initialize(to: (t.offset..<(t.offset + t.count), t.decay)) }
    }

    deinit {
        m.deallocate()
        v.deallocate()
        decayMask.deallocate()
    }

    /// Applies one update with learning rate `lr` using `store.grads`.
    public func update(lr: Float, pool: ThreadPool) {
        step += 1
        pool.run(tasks: tensorCount, job: Update(
            p: store.values, g: store.grads, m: m, v: v, tensors: decayMask, lr: lr, weightDecay: weightDecay,
            adam: AdamStep(beta1: beta1, beta2: beta2, eps: eps, step: step)))
    }

    private struct Update: ParallelJob {
        let p, g, m, v: UnsafeMutablePointer<Float>
        let tensors: UnsafeMutablePointer<(range: Range<Int>, decay: Bool)>
        let lr, weightDecay: Float
        let adam: AdamStep
        func run(task t: Int, thread: Int) {
            let (range, decay) = tensors[t]
            adam.apply(p: p, g: g, m: m, v: v, range: range, lr: lr, decayRate: decay ? lr * weightDecay : 0)
        }
    }

    /// Restores the step count (for resuming from a checkpoint with saved moments).
    public func setStep(_ value: Int) { step = value }
}
