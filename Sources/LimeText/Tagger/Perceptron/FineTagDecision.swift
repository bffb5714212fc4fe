/// Weights that score hashed features, per class: the trained model's `SparseWeights`
/// and, while training, the `PerceptronTrainer`'s current weights.
protocol TagScoring {
    /// Sets `scores[0..<classes]` to the summed weights of `features`.
    func score(_ features: UnsafePointer<UInt64>, _ count: Int, into scores: UnsafeMutablePointer<Float>)
}

extension SparseWeights: TagScoring {}
extension PerceptronTrainer: TagScoring {}

/// The fine (PTB) tag of one token, decided left to right the same way in training and in
/// annotation: the tag dictionary's tag when it is sure of the word, otherwise the
/// best-scoring tag that is not `SPACE` (ties to the lowest class).
enum FineTagDecision {
    /// Decides the tag of token `i` (index into `infos`, two tokens of padding before the
    /// first), its features read through `causal`'s view when given. Returns the tag and the
    /// number of features left in `features` (0 when the dictionary decided, so there is
    /// nothing to learn from).
    @inline(__always)
    static func decide<W: TagScoring>(
        _ infos: UnsafePointer<TokenInfo>, dictionary: UnsafePointer<UInt64>, at i: Int,
        previous: UInt64, beforePrevious: UInt64, weights: W, causal: CausalWindow?,
        features: UnsafeMutablePointer<UInt64>, scores: UnsafeMutablePointer<Float>
    ) -> (tag: Int, featureCount: Int) {
        let known = Int(dictionary[i] & 0xFF) - 3
        if known >= 0 { return (known, 0) }
        let count: Int
        if let causal {
            let view = causal.view(infos, dictionary, at: i)
            count = FeatureTemplates.tag(view.tokens, view.classes, CausalWindow.center, previous, beforePrevious, features)
        } else {
            count = FeatureTemplates.tag(infos, dictionary, i, previous, beforePrevious, features)
        }
        weights.score(features, count, into: scores)
        var best = 0
        for c in 1..<TaggerClasses.tag where c != TaggerClasses.space && scores[c] > scores[best] { best = c }
        return (best, count)
    }
}
