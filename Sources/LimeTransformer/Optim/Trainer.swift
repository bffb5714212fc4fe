import LimeCompute
/// One optimization step: loss and gradients, global-norm clipping, scheduled AdamW update.
public final class Trainer {
    public let model: Transformer
    public let optimizer: AdamW
    public var schedule: LearningRateSchedule
    /// Clip threshold for the global gradient norm (`nil` disables clipping).
    public var maxGradNorm: Float?

    /// The outcome of a step.
    public struct StepResult: Sendable {
        public let loss: Float
        public let gradNorm: Float
        public let learningRate: Float
    }

    public init(model: Transformer, schedule: LearningRateSchedule, weightDecay: Float = 0.1, maxGradNorm: Float? = 1.0) {
        self.model = model
        self.schedule = schedule
        self.maxGradNorm = maxGradNorm
        optimizer = AdamW(store: model.parameters, weightDecay: weightDecay)
    }

    /// Runs forward, backward and the update on `batch`; allocates nothing after the first call.
    public func step(_ batch: Transformer.Batch) throws -> StepResult {
        let loss = try model.loss(batch, gradients: true)
        let store = model.parameters
        let lr = schedule.rate(at: optimizer.step)
        return model.profiler.time(.optimizer) {
            let norm: Float
            if let maxNorm = maxGradNorm {
                norm = GradientClipping.clip(store.grads, count: store.count, maxNorm: maxNorm)
            } else {
                norm = GradientClipping.norm(store.grads, count: store.count)
            }
            optimizer.update(lr: lr, pool: model.matmul.pool)
            return StepResult(loss: loss, gradNorm: norm, learningRate: lr)
        }
    }
}
