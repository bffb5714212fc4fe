import Foundation
import LimeCompute
import LimeData
import LimeText
import LimeTransformer

/// Text generation from a checkpoint. The prompt is annotated and aligned exactly as the
/// pipeline does (after a `</s>` separator, as documents start in training).
///
/// Metadata of generated pieces: `lime+1` needs the next piece's tag before predicting it,
/// so `guide` (one fine-grained tag per generated word) supplies it: at each step the
/// model is first asked to continue the current word under its tag; if it would rather
/// start a word, it is asked again under the next word's tag with continuation pieces
/// masked, and the guide advances. Generation stops when the guide is used up (unless the
/// model has a metadata head, see below). `lime`
/// takes generated pieces' metadata from re-annotating the text (or from the guide).
/// A guide word gives any of tag, UPOS and entity (`Guide`); UPOS is derived from the tag
/// when not given, and a kind the model uses but the guide lacks is refused.
///
/// A `lime+1` model with a metadata head needs no guide: a word without guide metadata
/// (past the guide's end, or `*` in it) gets the metadata the head predicts (`predictedMetadata`).
public final class Generator {
    public struct Options: Sendable {
        public var maxTokens = 64
        /// 0 means greedy.
        public var temperature: Float = 0
        public var topK: Int? = nil
        public var seed: UInt64 = 1
        /// One entry per generated word: a fine-grained tag (`TagSets.tag`) or `TAG/UPOS/NER`;
        /// `*` (or the words after the guide) lets a model with a metadata head predict it.
        public var guide: [String]? = nil
        /// UPOS labels (`TagSets.pos`), one per generated word (`--guide-pos`).
        public var guidePOS: [String]? = nil
        /// IOB2 entity labels (`TagSets.ner`), one per generated word (`--guide-ner`).
        public var guideNER: [String]? = nil
        /// Guided words end after this many pieces (stops greedy repetition loops).
        public var maxPiecesPerWord = 4
        public init() {}
    }

    public let model: Transformer
    public let spec: VariantSpec
    public let tokenizer: any SubwordTokenizer
    public let separator: Int32
    /// The annotator that gives prompts (and, for `lime`, generated words) their metadata.
    public let annotator: Annotator
    let aligner: SubwordAligner
    /// Metadata ids of the pieces of the last `generate` call, one array per kind (for
    /// `lime+1`, the ids it was fed; for `lime`, those it was given from re-annotation).
    public private(set) var lastMetadata: [[UInt8]] = []

    /// Loads the checkpoint of run directory `run`; `annotator` must be the one the data used.
    public convenience init(run: String, annotator: Annotator, tokenizer: String? = nil) throws {
        try self.init(run: run, tokenizer: tokenizer) { _ in annotator }
    }

    /// Loads the checkpoint of run directory `run`; `makeAnnotator` gets the run's spec and
    /// returns the annotator its data used (the checkpoint is read once).
    public init(run: String, tokenizer: String? = nil, makeAnnotator: (RunSpec) throws -> Annotator) throws {
        let (state, floats) = try Checkpoint.read((run as NSString).appendingPathComponent(Checkpoint.fileName))
        spec = state.spec.variant
        model = try Transformer(config: state.spec.model, maxBatch: 1, threads: 1, seed: 0)
        try Checkpoint.load(floats, into: model.parameters, optimizer: nil)
        self.tokenizer = try TokenizerLoader.load(path: tokenizer ?? state.spec.tokenizer)
        separator = state.spec.separator
        annotator = try makeAnnotator(state.spec)
        aligner = SubwordAligner(model: self.tokenizer, mode: .lime)
    }

    /// Whether a piece can begin a linguistic word (leading space, punctuation, control).
    func startsWord(_ id: Int) -> Bool { PieceWords.startsWord(tokenizer.pieceBytes[id]) }

    /// The prompt as pieces with their own metadata, as the pipeline aligns it.
    func encodePrompt(_ prompt: String) throws -> (tokens: [Int32], own: [[UInt8]]) {
        var tokens: [Int32] = [separator]
        var own = spec.metadata.map { _ in [TagSet.separatorID] }
        guard !prompt.isEmpty else { return (tokens, own) }
        guard case .success(let annotated) = try annotator.annotate([.text(prompt)])[0] else {
            throw TrainerError("the annotator could not annotate the prompt")
        }
        let doc = try aligner.align(id: "prompt", text: prompt, tokens: annotated)
        tokens += doc.tokens.map { Int32($0) }
        for (k, kind) in spec.metadata.enumerated() {
            switch kind {
            case .tag: own[k] += doc.tag
            case .pos: own[k] += doc.pos
            case .ner: own[k] += doc.ner
            }
        }
        return (tokens, own)
    }

    /// Sees the tokens and metadata fed to the model at every step (tests).
    var observeInputs: (([Int32], [[UInt8]]) -> Void)?

    /// Next-token logits for `tokens` with input metadata `inputs` (one array per kind).
    func logits(_ tokens: [Int32], _ inputs: [[UInt8]]) throws -> [Float] {
        observeInputs?(tokens, inputs)
        let n = min(tokens.count, model.config.contextLength)
        let batch = Transformer.Batch(batch: 1, length: n, tokens: Array(tokens.suffix(n)),
                                      metadata: inputs.map { $0.suffix(n).map { Int32($0) } })
        return try model.nextTokenLogits(batch)
    }

    func choose(_ logits: [Float], _ options: Options, _ rng: inout Xoshiro256) -> Int {
        options.temperature > 0
            ? Sampling.sample(logits[...], temperature: options.temperature, topK: options.topK, rng: &rng)
            : Sampling.greedy(logits[...])
    }

    /// Generates a continuation of `prompt`; returns its text and piece ids.
    public func generate(prompt: String, options: Options) throws -> (text: String, tokens: [Int32]) {
        var (tokens, own) = try encodePrompt(prompt)
        let start = tokens.count
        let predicts = spec.variant == .limePlus1 && model.config.metadataHead
        let given = options.guide != nil || options.guidePOS != nil || options.guideNER != nil
        let guide = given
            ? try Guide.parse(guide: options.guide, pos: options.guidePOS, ner: options.guideNER)
                .resolve(spec.metadata, allowingPredicted: predicts)
            : nil
        if spec.variant == .limePlus1 && guide == nil && !predicts {
            throw TrainerError("lime+1 needs the next token's metadata: pass --guide TAGS (one tag, or TAG/UPOS/NER, per word to generate), or train with --metadata-head")
        }
        var rng = Xoshiro256(seed: options.seed)
        var word = -1
        var piecesInWord = 0
        var wordMeta: [UInt8] = []
        generation: for _ in 0..<options.maxTokens {
            var next = 0
            var nextMeta: [UInt8] = []
            switch spec.variant {
            case .baseline:
                next = choose(try logits(tokens, []), options, &rng)
                nextMeta = []
            case .lime:
                next = choose(try logits(tokens, own), options, &rng)
                if let guide {
                    if startsWord(next) { word += 1 }
                    if word >= guide.count { break generation }
                    nextMeta = guide[max(word, 0)] ?? spec.metadata.map { _ in TagSet.unknownID }
                } else {
                    nextMeta = spec.metadata.map { _ in TagSet.unknownID }  // replaced by re-annotation below
                }
            case .limePlus1:
                var accepted: Int? = nil
                if word >= 0 && piecesInWord < options.maxPiecesPerWord {
                    let inputs = own.indices.map { Array(own[$0].dropFirst()) + [wordMeta[$0]] }
                    let candidate = choose(try logits(tokens, inputs), options, &rng)
                    if !startsWord(candidate) { accepted = candidate }
                }
                if let accepted {
                    next = accepted
                    piecesInWord += 1
                } else {
                    piecesInWord = 1
                    word += 1
                    if let guide, word < guide.count, let given = guide[word] {
                        wordMeta = given
                    } else if predicts {
                        wordMeta = try predictedMetadata(tokens, own, options, &rng)
                    } else {
                        break generation
                    }
                    let inputs = own.indices.map { Array(own[$0].dropFirst()) + [wordMeta[$0]] }
                    var l = try logits(tokens, inputs)
                    for id in l.indices where !startsWord(id) { l[id] = -.infinity }
                    next = choose(l, options, &rng)
                }
                nextMeta = wordMeta
            }
            if next == Int(separator) { break generation }
            tokens.append(Int32(next))
            for k in own.indices { own[k].append(nextMeta[k]) }
            if spec.variant == .lime && guide == nil { try reannotate(tokens: tokens, own: &own, from: start) }
        }
        let generated = Array(tokens[start...])
        lastMetadata = own.map { Array($0[start...]) }
        return (String(decoding: tokenizer.decodeBytes(generated), as: UTF8.self), generated)
    }

    /// Sets the metadata of generated pieces from annotating the decoded text: each piece
    /// takes the word it overlaps most (the next word when it overlaps none).
    func reannotate(tokens: [Int32], own: inout [[UInt8]], from start: Int) throws {
        let bytes = tokenizer.decodeBytes(tokens.dropFirst())
        let text = String(decoding: bytes, as: UTF8.self)
        guard case .success(let words) = try annotator.annotate([.text(text)])[0], !words.isEmpty else { return }
        var offset = 0
        for i in 1..<tokens.count {
            let length = tokenizer.pieceBytes[Int(tokens[i])].count
            defer { offset += length }
            guard i >= start else { continue }
            let lo = offset, hi = offset + length
            var best = words.firstIndex { Int($0.end) > lo } ?? words.count - 1
            var overlap = 0
            for (j, w) in words.enumerated() where Int(w.start) < hi && Int(w.end) > lo {
                let o = min(hi, Int(w.end)) - max(lo, Int(w.start))
                if o > overlap { overlap = o; best = j }
            }
            for (k, kind) in spec.metadata.enumerated() {
                own[k][i] = kind == .tag ? words[best].tag : kind == .pos ? words[best].pos : words[best].ner
            }
        }
    }
}
