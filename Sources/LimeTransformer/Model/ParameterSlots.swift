/// Offsets of every model tensor in the parameter store, resolved once so the training
/// step does no name lookups (and no string allocation).
struct ParameterSlots {
    struct Layer {
        let norm1, qkv, out, norm2, up, down: Int
    }

    let token: Int
    let meta: [Int]
    let metaScale: [Int]
    let layers: [Layer]
    let finalNorm: Int
    /// Metadata-head weights and biases per kind (empty without a head).
    let head: [Int]
    let headBias: [Int]

    init(_ store: ParameterStore, config: ModelConfig) {
        func at(_ name: String) -> Int { store.tensor(name).offset }
        token = at("embed.token")
        meta = config.metadataVocabSizes.indices.map { at("embed.meta\($0)") }
        metaScale = config.metadataVocabSizes.indices.map { at("embed.meta\($0).scale") }
        layers = (0..<config.layers).map { l in
            Layer(
                norm1: at("layer\(l).norm1"), qkv: at("layer\(l).qkv"), out: at("layer\(l).out"),
                norm2: at("layer\(l).norm2"), up: at("layer\(l).up"), down: at("layer\(l).down"))
        }
        finalNorm = at("final.norm")
        let kinds = config.metadataHead ? Array(config.metadataVocabSizes.indices) : []
        head = kinds.map { at("head.meta\($0)") }
        headBias = kinds.map { at("head.meta\($0).bias") }
    }
}
