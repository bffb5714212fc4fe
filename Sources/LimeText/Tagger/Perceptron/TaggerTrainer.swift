import Foundation
import LimeCompute

/// Training settings of the native tagger.
public struct TaggerTrainingOptions: Sendable {
    public var epochs = 6
    /// Seed of the per-epoch document shuffle (training is deterministic).
    public var seed: UInt64 = 1
    /// Averaged weights below this magnitude are dropped from the model.
    public var pruneThreshold: Float = 0.05
    /// Free text stored in the model (training data, recipe).
    public var description = ""
    /// What the features may read (`causal`: the text up to each token; the perceptron
    /// entity models, which read ahead, are then not trained: causal entity networks label
    /// entities).
    public var context: AnnotationContext = .full
    public init() {}
}

/// Trains the four greedy averaged perceptrons (tag, UPOS, entity preview, entities) on tagged
/// documents. Tags and UPOS learn from documents that have them, entities from
/// documents with entity labels. History features use the model's own predictions,
/// as at inference time.
public final class TaggerTrainer {
    let tag = PerceptronTrainer(classes: TaggerClasses.tag)
    let pos = PerceptronTrainer(classes: TaggerClasses.pos)
    let ner = PerceptronTrainer(classes: TaggerClasses.ner)
    /// The entity preview: its labels (predicted before it learns the document) are the
    /// entity pass's lookahead. Jackknifed labels (two folds, each labelled by the model of
    /// the other) were tried and scored 2 points of entity F1 lower.
    let preview = PerceptronTrainer(classes: TaggerClasses.ner)
    private var previewLabels: [UInt64] = []
    private let spacyRows = SpacyRowCache()
    public let options: TaggerTrainingOptions
    private var features = [UInt64](repeating: 0, count: FeatureTemplates.maxFeatures)
    private var scores = [Float](repeating: 0, count: 64)
    private var tagDictionary = TagDictionary(words: [], classes: [])
    private let causal: CausalWindow?

    public init(options: TaggerTrainingOptions = TaggerTrainingOptions()) {
        self.options = options
        causal = options.context == .causal ? CausalWindow() : nil
    }

    /// Trains on `documents` for `options.epochs` epochs; `progress` receives one line per epoch.
    public func train(_ documents: [TaggedDocument], progress: (String) -> Void = { _ in }) -> TaggerModel {
        tagDictionary = Self.dictionary(documents)
        progress("tag dictionary: \(tagDictionary.words.count) words")
        var order = Array(documents.indices)
        var rng = SplitMix64(seed: options.seed)
        for epoch in 1...max(1, options.epochs) {
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                order.swapAt(i, Int(rng.next() % UInt64(i + 1)))
            }
            var counts = EpochCounts()
            let started = Date()
            for d in order { trainDocument(documents[d], &counts) }
            let seconds = Date().timeIntervalSince(started)
            progress(String(format: "epoch %d: tag %.2f%% pos %.2f%% ner-token %.2f%% (%d tokens, %.0f tokens/s)",
                            epoch, counts.percent(counts.tagRight, counts.tagTotal),
                            counts.percent(counts.posRight, counts.posTotal),
                            counts.percent(counts.nerRight, counts.nerTotal), counts.tagTotal,
                            Double(counts.tagTotal) / max(seconds, 1e-9)))
        }
        return model()
    }

    /// The averaged model so far.
    public func model() -> TaggerModel {
        TaggerModel(tag: tag.averaged(threshold: options.pruneThreshold),
                    pos: pos.averaged(threshold: options.pruneThreshold),
                    ner: ner.averaged(threshold: options.pruneThreshold),
                    preview: preview.averaged(threshold: options.pruneThreshold),
                    tagDictionary: tagDictionary, description: options.description, context: options.context)
    }

    struct EpochCounts {
        var tagRight = 0, tagTotal = 0, posRight = 0, posTotal = 0, nerRight = 0, nerTotal = 0
        func percent(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : 100 * Double(a) / Double(b) }
    }

    private func trainDocument(_ doc: TaggedDocument, _ counts: inout EpochCounts) {
        let offset = TaggerClasses.offset
        var infos: [TokenInfo] = [.before, .before]
        var gold: [(tag: Int, pos: Int, ner: Int)] = []
        var afterBreak = false
        doc.text.withUnsafeBufferPointer { text in
            for i in 0..<doc.count {
                let start = Int(doc.starts[i]), count = Int(doc.ends[i] - doc.starts[i])
                if isWhitespaceToken(text.baseAddress! + start, count) {
                    afterBreak = true
                    continue
                }
                let spacing = tokenSpacing(text.baseAddress!, text.count, start, start + count)
                infos.append(TokenInfo(text.baseAddress! + start, count, afterBreak: afterBreak,
                                       spaceBefore: spacing.before, spaceAfter: spacing.after))
                infos[infos.count - 1].spacy = spacyRows.rows(text.baseAddress! + start, count)
                afterBreak = false
                func label(_ ids: [UInt8]?, _ classes: Int) -> Int {
                    guard let ids else { return -1 }
                    let c = Int(ids[i]) - offset
                    return c >= 0 && c < classes ? c : -1
                }
                gold.append((label(doc.tags, TaggerClasses.tag), label(doc.pos, TaggerClasses.pos),
                             label(doc.ner, TaggerClasses.ner)))
            }
        }
        infos.append(.after)
        infos.append(.after)
        let n = gold.count
        guard n > 0 else { return }
        var runHeads: [UInt64] = [], runLengths: [UInt64] = [], dictionaryClasses: [UInt64] = []
        TokenInfo.capitalizedRuns(infos, heads: &runHeads, lengths: &runLengths)
        tagDictionary.lookahead(infos, into: &dictionaryClasses)
        var history = [TaggerClasses.history(-1, 1), TaggerClasses.history(-1, 1)]
        let hasTags = doc.tags != nil, hasPOS = doc.pos != nil, hasNER = doc.ner != nil && causal == nil
        infos.withUnsafeBufferPointer { infoBuffer in
            features.withUnsafeMutableBufferPointer { featureBuffer in
                scores.withUnsafeMutableBufferPointer { scoreBuffer in
                    let t = infoBuffer.baseAddress!, f = featureBuffer.baseAddress!, s = scoreBuffer.baseAddress!
                    for j in 0..<n {
                        let i = j + 2
                        let (best, count) = dictionaryClasses.withUnsafeBufferPointer {
                            FineTagDecision.decide(t, dictionary: $0.baseAddress!, at: i, previous: history[i - 1],
                                                   beforePrevious: history[i - 2], weights: tag, causal: causal,
                                                   features: f, scores: s)
                        }
                        if count == 0 {
                            history.append(TaggerClasses.history(best, 1))
                            continue
                        }
                        if hasTags, gold[j].tag >= 0 {
                            tag.update(f, count, truth: gold[j].tag, guess: best)
                            tag.tick()
                            counts.tagTotal += 1
                            if best == gold[j].tag { counts.tagRight += 1 }
                        }
                        history.append(TaggerClasses.history(best, 1))
                    }
                    history.append(TaggerClasses.history(-2, 1))
                    history.append(TaggerClasses.history(-2, 1))
                    history.withUnsafeBufferPointer { hb in
                        let h = hb.baseAddress!
                        if hasPOS {
                            for j in 0..<n where gold[j].pos >= 0 {
                                let count = FeatureTemplates.pos(t, h, j + 2, causal: causal, f)
                                pos.score(f, count, into: s)
                                var best = 0
                                for c in 1..<TaggerClasses.pos where s[c] > s[best] { best = c }
                                pos.update(f, count, truth: gold[j].pos, guess: best)
                                pos.tick()
                                counts.posTotal += 1
                                if best == gold[j].pos { counts.posRight += 1 }
                            }
                        }
                        if hasNER {
                            // The preview pass first: its labels are the entity pass's lookahead.
                            previewLabels.removeAll(keepingCapacity: true)
                            previewLabels.append(contentsOf: [EntityState.previewPadding, EntityState.previewPadding])
                            for j in 0..<n {
                                let i = j + 2
                                let count = FeatureTemplates.preview(t, h, i, runHeads[i], runLengths[i], f)
                                preview.score(f, count, into: s)
                                let guess = EntityState.previewLabel(s)
                                if gold[j].ner >= 0 {
                                    preview.update(f, count, truth: gold[j].ner, guess: guess.label)
                                    preview.tick()
                                }
                                previewLabels.append(guess.value)
                            }
                            previewLabels.append(contentsOf: [EntityState.previewPadding, EntityState.previewPadding])
                            previewLabels.withUnsafeBufferPointer { previewBuffer in
                                let p = previewBuffer.baseAddress!
                                var state = EntityState()
                                for j in 0..<n {
                                    let i = j + 2
                                    let count = state.features(t, h, i, head: runHeads[i], length: runLengths[i], preview: p, f)
                                    ner.score(f, count, into: s)
                                    let best = state.best(s)
                                    let truth = gold[j].ner
                                    if truth >= 0 {
                                        ner.update(f, count, truth: truth, guess: best)
                                        ner.tick()
                                        counts.nerTotal += 1
                                        if best == truth { counts.nerRight += 1 }
                                    }
                                    state.advance(best, at: i)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

extension TaggerTrainer {
    /// The tag dictionary of the documents' tagged, non-whitespace tokens.
    static func dictionary(_ documents: [TaggedDocument]) -> TagDictionary {
        var counts: [UInt64: [Int: Int]] = [:]
        for doc in documents {
            guard let tags = doc.tags else { continue }
            doc.text.withUnsafeBufferPointer { text in
                for i in 0..<doc.count {
                    let c = Int(tags[i]) - TaggerClasses.offset
                    guard c >= 0, c < TaggerClasses.tag, c != TaggerClasses.space else { continue }
                    let start = Int(doc.starts[i]), count = Int(doc.ends[i] - doc.starts[i])
                    let word = TokenInfo(text.baseAddress! + start, count, afterBreak: false).word
                    counts[word, default: [:]][c, default: 0] += 1
                }
            }
        }
        return TagDictionary(counts: counts)
    }
}
