import LimeSupport

/// A trained native tagger: fine-grained PTB tag and coarse UPOS perceptrons, and IOB2
/// entities by entity networks (`EntityNetwork`) or, in models without them, by the
/// perceptron entity preview and entity models.
///
/// Immutable and `Sendable`: load it once and share it between threads; each thread
/// tags through its own `TaggerSession` (scratch buffers).
public final class TaggerModel: Sendable {
    /// Version of the feature templates; a model with another version is refused.
    public static let featureVersion: UInt32 = 5

    let tagWeights: SparseWeights
    let posWeights: SparseWeights
    let nerWeights: SparseWeights
    /// The entity preview pass (same classes as `nerWeights`, no label history).
    let previewWeights: SparseWeights
    let tagDictionary: TagDictionary
    /// The neural entity recognizer (several networks: an ensemble); when present it labels
    /// entities and the perceptron entity models (`nerWeights`, `previewWeights`) are not
    /// used (and usually empty).
    public let entityNetworks: [EntityNetwork]
    /// What the model was trained on (free text stored in the file).
    public let description: String
    /// What the model reads to label a token: the whole document, or (`causal`) only the
    /// text up to the token; then its features see no later token (`CausalWindow`), its
    /// entity networks are causal, and without networks it labels no entities (the
    /// perceptron entity models read ahead).
    public let context: AnnotationContext

    init(tag: SparseWeights, pos: SparseWeights, ner: SparseWeights, preview: SparseWeights,
         tagDictionary: TagDictionary, entityNetworks: [EntityNetwork] = [], description: String,
         context: AnnotationContext = .full) {
        precondition(tag.classes == TaggerClasses.tag && pos.classes == TaggerClasses.pos
                     && ner.classes == TaggerClasses.ner && preview.classes == TaggerClasses.ner)
        precondition(entityNetworks.allSatisfy { $0.causal == (context == .causal) }, "entity networks of another context")
        self.context = context
        tagWeights = tag
        posWeights = pos
        nerWeights = ner
        previewWeights = preview
        self.tagDictionary = tagDictionary
        self.entityNetworks = entityNetworks
        self.description = description
    }

    /// The model with `networks` as its entity recognizer, in place of the perceptron
    /// entity models (which are dropped).
    public func withEntityNetworks(_ networks: [EntityNetwork], description: String) -> TaggerModel {
        let empty = SparseWeights(classes: TaggerClasses.ner, keys: [], counts: [], entryClasses: [], entryWeights: [])
        return TaggerModel(tag: tagWeights, pos: posWeights, ner: empty, preview: empty, tagDictionary: tagDictionary,
                           entityNetworks: networks, description: description, context: context)
    }

    /// Number of stored (feature, class) weights over the four models.
    public var weightCount: Int {
        tagWeights.entryWeights.count + posWeights.entryWeights.count + nerWeights.entryWeights.count
            + previewWeights.entryWeights.count
    }

    /// Tags the tokens `spans` of the UTF-8 `text` (byte offsets); whitespace tokens get
    /// `_SP`, `SPACE`, `O`. Convenience over a fresh `TaggerSession`.
    public func annotate(text: [UInt8], spans: [(start: Int32, end: Int32)]) -> [AnnotatedToken] {
        TaggerSession(model: self).annotate(text: text, spans: spans)
    }
}

/// The class indices of the models: class c is id c + 3 in the matching tag set.
enum TaggerClasses {
    static let offset = TagSet.reserved.count
    static let tag = TagSets.tag.count - offset
    static let pos = TagSets.pos.count - offset
    static let ner = TagSets.ner.count - offset
    static let space = Int(TagSets.tag.id("_SP")) - offset
    static let spacePOS = Int(TagSets.pos.id("SPACE")) - offset

    /// Whether entity class `next` may follow `previous` in IOB2 (class 0 is `O`,
    /// then `B-T`, `I-T` pairs).
    @inline(__always)
    static func validEntity(_ next: Int, after previous: Int) -> Bool {
        if next == 0 || next & 1 == 1 { return true }
        return previous == next || previous == next - 1
    }

    /// History value of a predicted class (distinct from token hashes).
    @inline(__always)
    static func history(_ c: Int, _ model: UInt64) -> UInt64 { UInt64(c + 3) | model << 8 }
}

extension TaggerModel {
    /// The model without weights whose magnitude is below `threshold`: smaller and
    /// faster, usually at a small cost in accuracy.
    public func pruned(_ threshold: Float) -> TaggerModel {
        TaggerModel(tag: tagWeights.pruned(threshold), pos: posWeights.pruned(threshold),
                    ner: nerWeights.pruned(threshold), preview: previewWeights.pruned(threshold), tagDictionary: tagDictionary,
                    entityNetworks: entityNetworks, description: description, context: context)
    }
}
