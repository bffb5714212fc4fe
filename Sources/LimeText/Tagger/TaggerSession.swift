/// Per-thread scratch space for tagging with a shared `TaggerModel`. Not thread-safe:
/// one session per thread.
public final class TaggerSession {
    public let model: TaggerModel
    private var infos: [TokenInfo] = []
    private var tagHistory: [UInt64] = []
    private var tags: [Int] = []
    private var features = [UInt64](repeating: 0, count: FeatureTemplates.maxFeatures)
    private var scores = [Float](repeating: 0, count: 64)
    private var wordIndex: [Int] = []
    private var runHeads: [UInt64] = []
    private var runLengths: [UInt64] = []
    private var dictionaryClasses: [UInt64] = []
    private var previewLabels: [UInt64] = []
    private let spacyRows = SpacyRowCache()
    /// Entity network input: every token's spaCy rows (whitespace included) and marks.
    private var allRows: [SpacyBuckets.Rows] = []
    private var isSpace: [Bool] = []
    private var entityClasses: [Int] = []
    private let entityDecoder: EntityDecoder?
    /// Causal models: the left-context views the tag and UPOS features read.
    private let causal: CausalWindow?

    public init(model: TaggerModel) {
        self.model = model
        entityDecoder = model.entityNetworks.isEmpty ? nil : EntityDecoder(networks: model.entityNetworks)
        causal = model.context == .causal ? CausalWindow() : nil
    }

    /// Tags the tokens `spans` (UTF-8 byte offsets into `text`).
    public func annotate(text: [UInt8], spans: [(start: Int32, end: Int32)]) -> [AnnotatedToken] {
        text.withUnsafeBufferPointer { annotate(text: $0, spans: spans) }
    }

    /// Tags the tokens `spans` (UTF-8 byte offsets into `text`).
    public func annotate(text: UnsafeBufferPointer<UInt8>, spans: [(start: Int32, end: Int32)]) -> [AnnotatedToken] {
        let base = text.baseAddress ?? UnsafePointer(bitPattern: 1)!
        var out = [AnnotatedToken]()
        out.reserveCapacity(spans.count)
        infos.removeAll(keepingCapacity: true)
        wordIndex.removeAll(keepingCapacity: true)
        infos.append(.before)
        infos.append(.before)
        let network = entityDecoder
        allRows.removeAll(keepingCapacity: true)
        isSpace.removeAll(keepingCapacity: true)
        var afterBreak = false
        let offset = Int32(TaggerClasses.offset)
        for (i, span) in spans.enumerated() {
            let start = Int(span.start), count = Int(span.end - span.start)
            precondition(start >= 0 && count >= 0 && start + count <= text.count, "token span outside the text")
            if isWhitespaceToken(base + start, count) {
                if network != nil {
                    allRows.append(spacyRows.rows(base + start, count))
                    isSpace.append(true)
                }
                out.append(AnnotatedToken(start: span.start, end: span.end,
                                          tag: UInt8(TaggerClasses.space + Int(offset)),
                                          pos: UInt8(TaggerClasses.spacePOS + Int(offset)),
                                          ner: UInt8(offset)))
                afterBreak = true
                continue
            }
            let spacing = tokenSpacing(base, text.count, start, start + count)
            infos.append(TokenInfo(base + start, count, afterBreak: afterBreak,
                                   spaceBefore: spacing.before, spaceAfter: spacing.after))
            wordIndex.append(i)
            infos[infos.count - 1].spacy = spacyRows.rows(base + start, count)
            if network != nil {
                allRows.append(infos[infos.count - 1].spacy)
                isSpace.append(false)
            }
            afterBreak = false
            out.append(AnnotatedToken(start: span.start, end: span.end, tag: 0, pos: 0, ner: 0))
        }
        infos.append(.after)
        infos.append(.after)
        let n = wordIndex.count
        guard n > 0 else { return out }
        // Capitalized runs feed only the perceptron entity models.
        if network == nil { TokenInfo.capitalizedRuns(infos, heads: &runHeads, lengths: &runLengths) }
        model.tagDictionary.lookahead(infos, into: &dictionaryClasses)
        tags.removeAll(keepingCapacity: true)
        tagHistory.removeAll(keepingCapacity: true)
        tagHistory.append(TaggerClasses.history(-1, 1))
        tagHistory.append(TaggerClasses.history(-1, 1))

        infos.withUnsafeBufferPointer { infoBuffer in
            features.withUnsafeMutableBufferPointer { featureBuffer in
                scores.withUnsafeMutableBufferPointer { scoreBuffer in
                    let t = infoBuffer.baseAddress!, f = featureBuffer.baseAddress!, s = scoreBuffer.baseAddress!
                    // Fine tags, left to right.
                    for j in 0..<n {
                        let i = j + 2
                        let best = dictionaryClasses.withUnsafeBufferPointer {
                            FineTagDecision.decide(t, dictionary: $0.baseAddress!, at: i, previous: tagHistory[i - 1],
                                                   beforePrevious: tagHistory[i - 2], weights: model.tagWeights,
                                                   causal: causal, features: f, scores: s).tag
                        }
                        tags.append(best)
                        tagHistory.append(TaggerClasses.history(best, 1))
                    }
                    tagHistory.append(TaggerClasses.history(-2, 1))
                    tagHistory.append(TaggerClasses.history(-2, 1))
                    tagHistory.withUnsafeBufferPointer { history in
                        let h = history.baseAddress!
                        // Coarse UPOS from the fine tags.
                        for j in 0..<n {
                            let count = FeatureTemplates.pos(t, h, j + 2, causal: causal, f)
                            model.posWeights.score(f, count, into: s)
                            var best = 0
                            for c in 1..<TaggerClasses.pos where s[c] > s[best] { best = c }
                            out[wordIndex[j]].tag = UInt8(tags[j] + Int(offset))
                            out[wordIndex[j]].pos = UInt8(best + Int(offset))
                        }
                        if let decoder = entityDecoder {
                            // Entities: the network over all tokens.
                            if entityClasses.count < spans.count { entityClasses = [Int](repeating: 0, count: spans.count) }
                            allRows.withUnsafeBufferPointer { rows in
                                isSpace.withUnsafeBufferPointer { spaces in
                                    entityClasses.withUnsafeMutableBufferPointer { classes in
                                        decoder.decode(rows: rows, isSpace: spaces, into: classes.baseAddress!)
                                    }
                                }
                            }
                            for j in 0..<spans.count { out[j].ner = UInt8(entityClasses[j] + Int(offset)) }
                            return
                        }
                        // A causal model without entity networks labels no entities (the
                        // perceptron entity models read ahead): all `O`, as initialized.
                        if causal != nil { return }
                        // Entities: the preview pass, then left to right, valid IOB2 only.
                        previewLabels.removeAll(keepingCapacity: true)
                        previewLabels.append(contentsOf: [EntityState.previewPadding, EntityState.previewPadding])
                        for j in 0..<n {
                            let i = j + 2
                            let count = FeatureTemplates.preview(t, h, i, runHeads[i], runLengths[i], f)
                            model.previewWeights.score(f, count, into: s)
                            previewLabels.append(EntityState.previewLabel(s).value)
                        }
                        previewLabels.append(contentsOf: [EntityState.previewPadding, EntityState.previewPadding])
                        previewLabels.withUnsafeBufferPointer { previewBuffer in
                            let p = previewBuffer.baseAddress!
                            var state = EntityState()
                            for j in 0..<n {
                                let i = j + 2
                                var best = 0
                                if !state.settled(p, i) {
                                    let count = state.features(t, h, i, head: runHeads[i], length: runLengths[i], preview: p, f)
                                    model.nerWeights.score(f, count, into: s)
                                    best = state.best(s)
                                }
                                out[wordIndex[j]].ner = UInt8(best + Int(offset))
                                state.advance(best, at: i)
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
