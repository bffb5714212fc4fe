/// Shape of a decoder-only transformer (Gemma-like: pre-norm RMSNorm, RoPE, GeGLU MLP,
/// tied input/output embeddings), with optional LIME metadata embedding tables and an
/// optional metadata-prediction head (one linear + softmax per metadata kind).
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
    /// Whether the model has a metadata-prediction head: per metadata kind, a linear map
    /// of the final hidden state (after the final norm) to logits over the kind's table.
    public var metadataHead: Bool

    public init(
        vocabSize: Int, contextLength: Int, layers: Int, dModel: Int, heads: Int,
        mlpWidth: Int? = nil, metadataVocabSizes: [Int] = [], normEps: Float = 1e-6, ropeBase: Double = 10_000,
        metadataHead: Bool = false
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
        self.metadataHead = metadataHead
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
        try check(!metadataHead || !metadataVocabSizes.isEmpty, "a metadata head needs at least one metadata kind")
    }
}

extension ModelConfig {
    enum CodingKeys: String, CodingKey {
        case vocabSize, contextLength, layers, dModel, heads, mlpWidth, metadataVocabSizes, normEps, ropeBase, metadataHead
    }

    /// Decodes a configuration; `metadataHead` is optional (absent in older files: no head).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            vocabSize: try c.decode(Int.self, forKey: .vocabSize), contextLength: try c.decode(Int.self, forKey: .contextLength),
            layers: try c.decode(Int.self, forKey: .layers), dModel: try c.decode(Int.self, forKey: .dModel),
            heads: try c.decode(Int.self, forKey: .heads), mlpWidth: try c.decode(Int.self, forKey: .mlpWidth),
            metadataVocabSizes: try c.decode([Int].self, forKey: .metadataVocabSizes),
            normEps: try c.decode(Float.self, forKey: .normEps), ropeBase: try c.decode(Double.self, forKey: .ropeBase),
            metadataHead: try c.decodeIfPresent(Bool.self, forKey: .metadataHead) ?? false)
    }

    /// Encodes the configuration; `metadataHead` only when set, so head-less configs keep their bytes.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(vocabSize, forKey: .vocabSize)
        try c.encode(contextLength, forKey: .contextLength)
        try c.encode(layers, forKey: .layers)
        try c.encode(dModel, forKey: .dModel)
        try c.encode(heads, forKey: .heads)
        try c.encode(mlpWidth, forKey: .mlpWidth)
        try c.encode(metadataVocabSizes, forKey: .metadataVocabSizes)
        try c.encode(normEps, forKey: .normEps)
        try c.encode(ropeBase, forKey: .ropeBase)
        if metadataHead { try c.encode(metadataHead, forKey: .metadataHead) }
    }
}

/// An invalid model configuration or input.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
