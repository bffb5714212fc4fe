import Foundation
import LimeTransformer

/// Model size and optimization settings of a run; a JSON file (`--config`, snake_case
/// keys) overrides any subset of the defaults.
public struct TrainConfig: Codable, Equatable, Sendable {
    public var contextLength = 64
    public var layers = 2
    public var dModel = 64
    public var heads = 4
    public var mlpWidth: Int? = nil
    public var batchSize = 8
    public var steps = 200
    public var learningRate: Float = 3e-3
    public var minLearningRate: Float = 3e-4
    public var warmupSteps = 20
    public var weightDecay: Float = 0.1
    public var maxGradNorm: Float = 1
    public var seed: UInt64 = 1
    public var validationFraction = 0.02
    /// Validate (and append a metrics line) every this many steps, and at the end.
    public var evalEvery = 50
    public var evalWindows = 64
    public var checkpointEvery = 100
    public var logEvery = 10
    /// Worker threads (0: all cores).
    public var threads = 0
    /// Weight of the metadata head's cross-entropy (per kind) in the loss; `nil`: the
    /// default 0.1. Only used by runs with a head; absent from head-less runs' files.
    public var metadataHeadWeight: Float? = nil

    /// The head loss weight in effect.
    public var headWeight: Float { metadataHeadWeight ?? 0.1 }
    /// Window order: nil or `shard` (the default loader), `global` (`GlobalShuffleLoader`).
    /// Absent from the JSON when nil, so runs without it keep their bytes.
    public var shuffle: ShuffleMode? = nil

    public init() {}

    enum CodingKeys: String, CodingKey {
        case contextLength = "context_length", layers, dModel = "d_model", heads, mlpWidth = "mlp_width"
        case batchSize = "batch_size", steps, learningRate = "learning_rate", minLearningRate = "min_learning_rate"
        case warmupSteps = "warmup_steps", weightDecay = "weight_decay", maxGradNorm = "max_grad_norm", seed
        case validationFraction = "validation_fraction", evalEvery = "eval_every", evalWindows = "eval_windows"
        case checkpointEvery = "checkpoint_every", logEvery = "log_every", threads, shuffle
        case metadataHeadWeight = "metadata_head_weight"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func get<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            if let v = try c.decodeIfPresent(T.self, forKey: key) { value = v }
        }
        try get(.contextLength, &contextLength); try get(.layers, &layers); try get(.dModel, &dModel)
        try get(.heads, &heads); mlpWidth = try c.decodeIfPresent(Int.self, forKey: .mlpWidth)
        try get(.batchSize, &batchSize); try get(.steps, &steps); try get(.learningRate, &learningRate)
        try get(.minLearningRate, &minLearningRate); try get(.warmupSteps, &warmupSteps)
        try get(.weightDecay, &weightDecay); try get(.maxGradNorm, &maxGradNorm); try get(.seed, &seed)
        try get(.validationFraction, &validationFraction); try get(.evalEvery, &evalEvery)
        try get(.evalWindows, &evalWindows); try get(.checkpointEvery, &checkpointEvery)
        try get(.logEvery, &logEvery); try get(.threads, &threads)
        metadataHeadWeight = try c.decodeIfPresent(Float.self, forKey: .metadataHeadWeight)
        shuffle = try c.decodeIfPresent(ShuffleMode.self, forKey: .shuffle)
    }

    /// Reads a JSON config file.
    public static func read(_ path: String) throws -> TrainConfig {
        guard let data = FileManager.default.contents(atPath: path) else { throw TrainerError(path: path, "cannot read config") }
        do { return try JSONDecoder().decode(TrainConfig.self, from: data) } catch {
            throw TrainerError(path: path, "invalid training config: \(error)")
        }
    }

    /// The transformer shape for a vocabulary and variant.
    public func model(vocabSize: Int, spec: VariantSpec) -> ModelConfig {
        ModelConfig(vocabSize: vocabSize, contextLength: contextLength, layers: layers, dModel: dModel, heads: heads,
                    mlpWidth: mlpWidth, metadataVocabSizes: spec.metadataVocabSizes, metadataHead: spec.metadataHead)
    }

    public var schedule: LearningRateSchedule {
        LearningRateSchedule(peak: learningRate, minimum: minLearningRate, warmupSteps: warmupSteps, totalSteps: steps)
    }

    public func validate() throws {
        guard batchSize > 0, steps > 0, evalEvery > 0, evalWindows > 0, checkpointEvery > 0, logEvery > 0 else {
            throw TrainerError("batch_size, steps, eval_every, eval_windows, checkpoint_every and log_every must be positive")
        }
        guard validationFraction > 0, validationFraction < 1 else { throw TrainerError("validation_fraction must be in (0, 1)") }
        guard headWeight >= 0, headWeight.isFinite else { throw TrainerError("metadata_head_weight must be a non-negative number") }
    }
}

/// What a run is: data, tokenizer, variant and settings. Stored as `RUN/run.json` and
/// inside every checkpoint.
public struct RunSpec: Codable, Equatable, Sendable {
    public var data: String
    public var tokenizer: String
    public var separator: Int32
    public var vocabSize: Int
    public var variant: VariantSpec
    public var config: TrainConfig

    public init(data: String, tokenizer: String, separator: Int32, vocabSize: Int, variant: VariantSpec, config: TrainConfig) {
        self.data = data
        self.tokenizer = tokenizer
        self.separator = separator
        self.vocabSize = vocabSize
        self.variant = variant
        self.config = config
    }

    public var model: ModelConfig { config.model(vocabSize: vocabSize, spec: variant) }
}
