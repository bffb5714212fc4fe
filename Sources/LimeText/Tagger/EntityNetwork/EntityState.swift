/// The left-to-right state of the greedy entity tagger, one value per document, shared
/// by training and inference so both see the same features: the previous two IOB2
/// labels and the position where the current entity began.
struct EntityState {
    /// The previous label and the one before it (class 0 is `O`; odd classes `B-T`, even `I-T`).
    private(set) var e1 = 0, e2 = 0
    /// Padded index of the current entity's first token (meaningful while `e1 != 0`).
    private(set) var start = 0

    /// Writes the features of padded position `i` into `out` and returns their count.
    /// A line break before the token ends any entity.
    @inline(__always)
    mutating func features(_ t: UnsafePointer<TokenInfo>, _ tags: UnsafePointer<UInt64>, _ i: Int,
                           head: UInt64, length: UInt64, preview: UnsafePointer<UInt64>,
                           _ out: UnsafeMutablePointer<UInt64>) -> Int {
        if t[i].flags & 1 != 0 { e1 = 0 }
        let inside = e1 != 0
        return FeatureTemplates.ner(t, tags, i, TaggerClasses.history(e1, 2), TaggerClasses.history(e2, 2),
                                    head, length, entityStart: inside ? t[start].lower : 0,
                                    entityLength: inside ? UInt64(min(i - start, 5)) : 0, preview: preview, out)
    }

    /// The preview pass's label for `scores` (any class: it has no history), as a feature value.
    @inline(__always)
    static func previewLabel(_ s: UnsafePointer<Float>) -> (label: Int, value: UInt64) {
        var best = 0
        for c in 1..<TaggerClasses.ner where s[c] > s[best] { best = c }
        return (best, TaggerClasses.history(best, 3))
    }

    /// The padding value of the preview labels (positions before and after the words).
    static let previewPadding = TaggerClasses.history(-2, 3)

    /// Whether, at inference, position `i` is settled as `O` without scoring: no entity is
    /// open and the preview labels the token and the next one `O`. Most tokens are, so the
    /// entity pass scores only the rest: 1.8x faster, and entity F1 against spaCy rose
    /// (precision up more than recall down). Training still scores every token: skipping
    /// the same tokens there scored 0.4 points lower.
    @inline(__always)
    func settled(_ p: UnsafePointer<UInt64>, _ i: Int) -> Bool {
        e1 == 0 && p[i] == Self.previewOutside && p[i + 1] == Self.previewOutside
    }

    static let previewOutside = TaggerClasses.history(0, 3)

    /// The highest-scoring class that may follow the previous label in IOB2.
    @inline(__always)
    func best(_ s: UnsafePointer<Float>) -> Int {
        var best = 0
        for c in 1..<TaggerClasses.ner where s[c] > s[best] && TaggerClasses.validEntity(c, after: e1) { best = c }
        return best
    }

    /// Records the label `c` chosen for padded position `i`.
    @inline(__always)
    mutating func advance(_ c: Int, at i: Int) {
        if c & 1 == 1 { start = i }
        e2 = e1
        e1 = c
    }
}
