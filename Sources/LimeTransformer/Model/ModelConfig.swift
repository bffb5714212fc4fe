/// Shape of a decoder-only transformer (Gemma-like: pre-norm RMSNorm, RoPE, GeGLU MLP,
/// tied input/output embeddings), with optional LIME metadata embedding tables.
public struct ModelConfig: Codable, Equatable, Sendable {
    public var vocabSize: Int
    public var contextLength: Int
    public var layers: Int
    public var dModel: Int
    public var heads: Int
    /// GeGLU hidden width (the up projection is `dModel x 2 * mlpWidth`).
    public var mlpWidth: Int
    /// Table sizes of the metadata kinds (0 to 3), e.g. `[50, 37]` for POS and NER ids.
    public var metadataVocabSizes: [Int]
    public var normEps: Float
    public var ropeBase: Double

    public init(
        vocabSize: Int, contextLength: Int, layers: Int, dModel: Int, heads: Int,
        mlpWidth: Int? = nil, metadataVocabSizes: [Int] = [], normEps: Float = 1e-6, ropeBase: Double = 10_000
    ) {
        self.vocabSize = vocabSize
        self.contextLength = contextLength
        self.layers = layers
        self.dModel = dModel
        self.heads = heads
        self.mlpWidth = mlpWidth ?? ModelConfig.defaultMLPWidth(dModel: dModel)
        self.metadataVocabSizes = metadataVocabSizes
        self.normEps = normEps
        self.ropeBase = ropeBase
    }

    /// Per-head width.
    public var headDim: Int { dModel / heads }

    /// GeGLU width with about the parameters of a 4x ungated MLP: 8/3 dModel, rounded up to 32.
    public static func defaultMLPWidth(dModel: Int) -> Int { (8 * dModel / 3 + 31) / 32 * 32 }

    /// Throws a `ConfigError` naming the first invalid field.
    public func validate() throws {
        func check(_ ok: Bool, _ message: String) throws { if !ok { throw ConfigError(message: message) } }
        try check(vocabSize > 0, "vocabSize must be positive, got \(vocabSize)")
        try check(contextLength > 0, "contextLength must be positive, got \(contextLength)")
        try check(layers > 0, "layers must be positive, got \(layers)")
        try check(heads > 0 && dModel > 0 && dModel % heads == 0, "dModel (\(dModel)) must be a positive multiple of heads (\(heads))")
        try check(headDim % 2 == 0, "head dimension \(headDim) must be even for RoPE")
        try check(mlpWidth > 0, "mlpWidth must be positive, got \(mlpWidth)")
        try check(metadataVocabSizes.count <= 3, "at most 3 metadata kinds, got \(metadataVocabSizes.count)")
        try check(metadataVocabSizes.allSatisfy { $0 > 0 }, "metadata table sizes must be positive: \(metadataVocabSizes)")
    }
}

/// An invalid model configuration or input.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
