import ArgumentParser
import Foundation
import LimeCompute
import LimeSupport
import LimeText

/// `lime tagger`: trains, evaluates and runs the native POS + NER tagger.
struct Tagger: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tagger",
        abstract: "The native tagger: train on CoNLL-U / annotated JSONL, evaluate, annotate.",
        subcommands: [TaggerTrain.self, TaggerTrainEntities.self, TaggerEval.self, TaggerAnnotate.self, TaggerPrune.self,
                      TaggerCombine.self]
    )
}

/// Loads `path`, or the shipped model when nil.
private func loadAnnotator(_ path: String?) throws -> NativeAnnotator {
    if let path { return try NativeAnnotator(modelPath: path) }
    return try NativeAnnotator()
}

private func standardError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Reads the training files, reporting each one's documents and tokens.
private func readTrainingData(_ paths: [String]) throws -> [TaggedDocument] {
    var documents: [TaggedDocument] = []
    for path in paths {
        let docs = try CorpusReader.read(path: path)
        standardError("\(path): \(docs.count) documents, \(docs.reduce(0) { $0 + $1.count }) tokens")
        documents += docs
    }
    return documents
}

/// Saves a trained model, reports it (`summary` gets the file size in bytes), and prints
/// its evaluation on each `dev` file, loading it back from the file as users will.
private func save(_ model: TaggerModel, to output: String, dev: [String], summary: (Int) -> String) throws {
    try model.save(to: output)
    let size = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
    standardError("\(output): \(summary(size))")
    guard !dev.isEmpty else { return }
    let annotator = try NativeAnnotator(modelPath: output)
    for path in dev {
        print(try TaggerEval.evaluate(path: path, annotator: annotator, retokenize: false).report)
    }
}

/// `lime tagger train`: trains a model on gold CoNLL-U and/or silver JSONL.
struct TaggerTrain: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "train", abstract: "Train a tagger model.")

    @Option(name: .customLong("data"), help: "Training file (.conllu or .jsonl, optionally .zst); repeatable.")
    var data: [String]
    @Option(help: "Evaluation file after training (same formats).") var dev: [String] = []
    @Option(help: "Output model file.") var output: String
    @Option(help: "Training epochs.") var epochs = 6
    @Option(help: "Shuffle seed.") var seed: UInt64 = 1
    @Option(help: "Drop averaged weights below this magnitude.") var prune: Float = 0.05
    @Option(help: "Description stored in the model (training data, recipe).") var description = ""
    @Option(help: "What the features read: full (the whole document) or causal (the text up to each token; entities then come from `train-entities`).")
    var context: AnnotationContext = .full

    func run() throws {
        let documents = try readTrainingData(data)
        var options = TaggerTrainingOptions()
        options.context = context
        options.epochs = epochs
        options.seed = seed
        options.pruneThreshold = prune
        options.description = description
        let model = TaggerTrainer(options: options).train(documents, progress: standardError)
        try save(model, to: output, dev: dev) { "\(model.weightCount) weights, \($0) bytes" }
    }
}

/// `lime tagger train-entities`: trains the neural entity recognizer on entity-labelled
/// data and stores it in a copy of a model (whose perceptron entity models it replaces).
struct TaggerTrainEntities: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-entities", abstract: "Train the entity network and add it to a tagger model.")

    @Option(help: "Model whose tag and UPOS models are kept.") var model: String
    @Option(name: .customLong("data"), help: "Training file with entity labels (.jsonl, optionally .zst); repeatable.")
    var data: [String]
    @Option(help: "Evaluation file after training.") var dev: [String] = []
    @Option(help: "Output model file.") var output: String
    @Option(help: "Tokens on each side of the scored one.") var window = 3
    @Flag(help: "Networks read the previous label and the entity's first token (greedy decoding).") var history = false
    @Option(help: "Width of one attribute's embedding (default: 64, or the width of --init-embeddings).") var embedding: Int?
    @Option(help: "spaCy's embedding tables to start from (Pipelines/tagger/export_embeddings.py).") var initEmbeddings: String?
    @Flag(help: "Keep the embedding tables as initialized.") var freezeEmbeddings = false
    @Option(help: "Width of the token vector.") var tokenWidth = 128
    @Option(help: "Width of the hidden layers.") var hidden = 128
    @Option(help: "Training epochs.") var epochs = 4
    @Option(help: "Adam learning rate (falls linearly to zero).") var learningRate: Float = 2e-3
    @Option(help: "Tokens per optimization step (whitespace and unlabelled included).") var batchTokens = 512
    @Option(help: "Threads of the matrix products (results do not depend on it).") var threads = 1
    @Option(help: "Dropout probability of token vectors and hidden units in training.") var dropout: Float = 0
    @Option(help: "Networks in the ensemble (seeds seed, seed+1, ...; trained side by side, one thread each).") var networks = 1
    @Option(help: "Seed of the initial weights and the shuffle.") var seed: UInt64 = 1
    @Option(help: "Description stored in the model (default: the input model's).") var description: String?

    func validate() throws {
        guard !freezeEmbeddings || initEmbeddings != nil else {
            throw ValidationError("--freeze-embeddings needs --init-embeddings (random tables would stay random)")
        }
    }

    func run() throws {
        let base = try TaggerModel.load(path: model)
        var options = EntityNetworkOptions()
        options.window = window
        options.history = history
        options.causal = base.context == .causal  // the networks read what the model reads
        if let initEmbeddings {
            let tables = try SpacyEmbeddings.load(path: initEmbeddings)
            guard embedding == nil || embedding == tables.width else {
                throw ValidationError("--embedding \(embedding!) differs from the width of \(initEmbeddings) (\(tables.width))")
            }
            options.initialEmbeddings = tables
            options.embedding = tables.width
        } else {
            options.embedding = embedding ?? 64
        }
        options.freezeEmbeddings = freezeEmbeddings
        options.tokenWidth = tokenWidth
        options.hidden = hidden
        options.batchTokens = batchTokens
        options.threads = threads
        options.dropout = dropout
        options.epochs = epochs
        options.learningRate = learningRate
        options.seed = seed
        var documents = try readTrainingData(data)
        let networks = EntityNetworkTrainer(options: options).trainEnsemble(documents, count: networks) { standardError($0) }
        documents = []
        let combined = base.withEntityNetworks(networks, description: description ?? base.description)
        try save(combined, to: output, dev: dev) {
            "\(combined.weightCount) perceptron weights, \(networks.count) entity networks of \(networks[0].parameterCount) parameters, \($0) bytes"
        }
    }
}

/// `lime tagger prune`: drops small weights from a model.
struct TaggerPrune: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "prune", abstract: "Drop small weights from a model.")

    @Option(help: "Input model file.") var model: String
    @Option(help: "Output model file.") var output: String
    @Option(help: "Drop weights whose magnitude is below this.") var threshold: Float

    func run() throws {
        let pruned = try TaggerModel.load(path: model).pruned(threshold)
        try pruned.save(to: output)
        standardError("\(output): \(pruned.weightCount) weights")
    }
}

/// `lime tagger combine`: one ensemble from networks trained apart (other seeds, machines).
struct TaggerCombine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "combine",
        abstract: "Combine the entity networks of several models into one ensemble (tag and UPOS models of the first).")

    @Option(name: .customLong("model"), help: "Model with entity networks; repeatable (the first gives the tag and UPOS models).")
    var models: [String]
    @Option(help: "Output model file.") var output: String

    func run() throws {
        guard !models.isEmpty else { throw ValidationError("give at least one --model") }
        let loaded = try models.map { try TaggerModel.load(path: $0) }
        for (path, model) in zip(models, loaded) where model.entityNetworks.isEmpty {
            throw ValidationError("\(path): no entity networks")
        }
        for (path, model) in zip(models, loaded) where model.context != loaded[0].context {
            throw ValidationError("\(path): a \(model.context.rawValue)-context model, \(models[0]) is \(loaded[0].context.rawValue)")
        }
        let networks = loaded.flatMap(\.entityNetworks)
        let combined = loaded[0].withEntityNetworks(networks, description: loaded[0].description)
        try combined.save(to: output)
        standardError("\(output): \(networks.count) entity networks")
    }
}

/// `lime tagger eval`: tag accuracy and entity precision/recall/F1 against a reference.
struct TaggerEval: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "eval", abstract: "Evaluate a tagger model.")

    @Argument(help: "Reference files (.conllu or annotated .jsonl, optionally .zst).") var files: [String]
    @Option(help: "Model file (default: the shipped model).") var model: String?
    @Flag(help: "Pre-tokenize each document's text instead of tagging the reference tokens.") var retokenize = false

    struct Outcome {
        var evaluation: TaggerEvaluation
        var tokens: Int
        /// Wall-clock and thread CPU seconds of tagging alone (reading and scoring excluded).
        var seconds: Double
        var cpuSeconds: Double
        var report: String {
            evaluation.report + String(format: "\nspeed: %d tokens in %.3f s wall = %.0f tokens/s; %.3f s CPU = %.0f tokens/CPU-s",
                                       tokens, seconds, Double(tokens) / max(seconds, 1e-9),
                                       cpuSeconds, Double(tokens) / max(cpuSeconds, 1e-9))
        }
        var json: String {
            let e = evaluation
            return JSONLine.encode(Line(
                tokens: tokens, seconds: seconds, cpuSeconds: cpuSeconds, tokensPerSecond: Double(tokens) / max(seconds, 1e-9),
                tokensPerCPUSecond: Double(tokens) / max(cpuSeconds, 1e-9), tokenF1: e.tokenF1, tagAccuracy: e.tagAccuracy,
                posAccuracy: e.posAccuracy, entityPrecision: e.entityPrecision, entityRecall: e.entityRecall, entityF1: e.entityF1,
                referenceEntities: e.referenceEntities, peakRSSMegabytes: peakResidentMegabytes()))
        }

        /// The line `tagger eval --json` prints (read by Pipelines/tagger/bench_annotate.py).
        struct Line: Encodable {
            var tokens: Int
            var seconds, cpuSeconds, tokensPerSecond, tokensPerCPUSecond: Double
            var tokenF1, tagAccuracy, posAccuracy, entityPrecision, entityRecall, entityF1: Double
            var referenceEntities: Int
            var peakRSSMegabytes: Double
            enum CodingKeys: String, CodingKey {
                case tokens, seconds
                case cpuSeconds = "cpu_seconds", tokensPerSecond = "tokens_per_second", tokensPerCPUSecond = "tokens_per_cpu_second"
                case tokenF1 = "token_f1", tagAccuracy = "tag_accuracy", posAccuracy = "pos_accuracy"
                case entityPrecision = "entity_precision", entityRecall = "entity_recall", entityF1 = "entity_f1"
                case referenceEntities = "reference_entities", peakRSSMegabytes = "peak_rss_mb"
            }
        }
    }

    /// Tags `path`'s documents (its tokens, or its text when `retokenize`) and compares.
    static func evaluate(path: String, annotator: NativeAnnotator, retokenize: Bool) throws -> Outcome {
        let references = try CorpusReader.read(path: path)
        var predictions: [[AnnotatedToken]] = []
        predictions.reserveCapacity(references.count)
        let session = TaggerSession(model: annotator.model)
        let clock = ContinuousClock()
        let cpuStart = Timing.threadCPU()
        let elapsed = clock.measure {
            for doc in references {
                if retokenize {
                    predictions.append(annotator.annotate(.text(String(decoding: doc.text, as: UTF8.self))))
                } else {
                    predictions.append(session.annotate(text: doc.text, spans: doc.spans))
                }
            }
        }
        let cpuSeconds = Timing.threadCPU() - cpuStart
        var evaluation = TaggerEvaluation()
        var tokens = 0
        for (doc, tokensOut) in zip(references, predictions) {
            tokens += tokensOut.count
            evaluation.add(reference: doc, predicted: TaggedDocument(source: doc.source, text: doc.text, tokens: tokensOut))
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return Outcome(evaluation: evaluation, tokens: tokens, seconds: seconds, cpuSeconds: cpuSeconds)
    }

    func run() throws {
        let annotator = try loadAnnotator(model)
        for path in files {
            let outcome = try Self.evaluate(path: path, annotator: annotator, retokenize: retokenize)
            print("\(path):\n\(outcome.report)")
            print(outcome.json)
        }
    }
}

/// `lime tagger annotate`: annotates JSONL documents (`"text"`, or `"tokens"` as a list
/// of words) and writes the annotated JSONL format.
struct TaggerAnnotate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "annotate", abstract: "Annotate JSONL documents.")

    @Option(help: "Input JSONL: {\"id\", \"text\"} or {\"id\", \"tokens\": [words]}.") var input: String
    @Option(help: "Output JSONL (written atomically).") var output: String
    @Option(help: "Model file (default: the shipped model).") var model: String?

    struct InputDocument: Decodable {
        var id: String?
        var text: String?
        var tokens: [String]?
    }

    func run() throws {
        let annotator = try loadAnnotator(model)
        guard let data = FileManager.default.contents(atPath: input) else { throw FileError(path: input, "cannot read") }
        var documents: [(id: String, doc: AnnotatorDocument)] = []
        var lineNumber = 0
        for line in data.split(separator: 10, omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == 32 || $0 == 13 }) { continue }
            let parsed: InputDocument
            do { parsed = try JSONDecoder().decode(InputDocument.self, from: Data(line)) } catch {
                throw CorpusError(path: input, line: lineNumber, "invalid JSON: \(error)")
            }
            let id = parsed.id ?? String(lineNumber)
            if let words = parsed.tokens {
                documents.append((id, .words(words)))
            } else if let text = parsed.text {
                documents.append((id, .text(text)))
            } else {
                throw CorpusError(path: input, line: lineNumber, "document has neither \"text\" nor \"tokens\"")
            }
        }
        var results: [[AnnotatedToken]] = []
        let cpuStart = Timing.threadCPU()
        let elapsed = ContinuousClock().measure {
            for (_, doc) in documents { results.append(annotator.annotate(doc)) }
        }
        let cpuSeconds = Timing.threadCPU() - cpuStart
        var out = ""
        var tokens = 0
        for ((id, doc), annotated) in zip(documents, results) {
            let text = Array(doc.text.utf8)
            tokens += annotated.count
            let items = annotated.map { t -> String in
                let word = String(decoding: text[Int(t.start)..<Int(t.end)], as: UTF8.self)
                return #"{"text":\#(JSONText.quote(word)),"start":\#(t.start),"end":\#(t.end),"tag":\#(JSONText.quote(TagSets.tag.label(t.tag))),"pos":\#(JSONText.quote(TagSets.pos.label(t.pos))),"ent":\#(JSONText.quote(TagSets.ner.label(t.ner)))}"#
            }
            out += #"{"id":\#(JSONText.quote(id)),"text":\#(JSONText.quote(doc.text)),"tokens":[\#(items.joined(separator: ","))]}"# + "\n"
        }
        try AtomicFile.write(out, to: output)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        standardError(JSONLine.encode(TimingLine(
            documents: documents.count, tokens: tokens, seconds: seconds, cpuSeconds: cpuSeconds,
            tokensPerSecond: Double(tokens) / max(seconds, 1e-9), tokensPerCPUSecond: Double(tokens) / max(cpuSeconds, 1e-9))))
    }
}



/// This process's peak resident set so far, in MB (the model loaded, the documents read):
/// `VmHWM` of /proc/self/status, which, unlike `getrusage`'s maxrss, does not carry over
/// the memory of the parent that forked this process.
func peakResidentMegabytes() -> Double {
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
       let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
       let kilobytes = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") {
        return kilobytes / 1024
    }
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// The timing line `tagger annotate` writes to stderr (read by the annotate benchmark).
struct TimingLine: Encodable {
    var documents, tokens: Int
    var seconds, cpuSeconds, tokensPerSecond, tokensPerCPUSecond: Double
    enum CodingKeys: String, CodingKey {
        case documents, tokens, seconds
        case cpuSeconds = "cpu_seconds", tokensPerSecond = "tokens_per_second", tokensPerCPUSecond = "tokens_per_cpu_second"
    }
}
