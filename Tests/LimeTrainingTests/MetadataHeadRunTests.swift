import Foundation
import LimeSupport
import LimeText
import LimeTransformer
import Testing
@testable import LimeTraining

/// The metadata head in the trainer: batch targets, spec and checkpoint formats, evaluation
/// modes and unguided generation on a small trained LIME+1 model.
@Suite struct MetadataHeadRunTests {
    static let steps = 300

    /// A small LIME+1 model with a head trained on the fixture (tag and ner metadata).
    static let run: String = {
        TestData.trainedSmallModel("lime-head-run", steps: steps,
                                   variant: try! VariantSpec(variant: .limePlus1, metadata: [.tag, .ner], metadataHead: true),
                                   headWeight: 0.3)
    }()

    @Test func headTargetsAreTheNextPositionsMetadataInput() throws {
        let dataset = try TestData.dataset()
        let windows = try SequentialWindows.make(dataset: dataset, length: 16, limit: 40) { _ in true }
        let plus = try VariantSpec(variant: .limePlus1, metadata: [.tag, .ner], metadataHead: true)
        let lime = try VariantSpec(variant: .lime, metadata: [.pos], metadataHead: true)
        let b = plus.batch(windows), a = lime.batch(windows), plain = try VariantSpec(variant: .limePlus1).batch(windows)
        #expect(plain.metadataTargets.isEmpty && plain.metadata[0] == b.metadata[0])
        var continued = 0
        for (w, window) in windows.enumerated() {
            /// The first word start after index `j` of the window (nil: none in it).
            func nextWord(after j: Int) -> Int? { ((j + 1)...16).first { window.wordStart[$0] == 1 } }
            for i in 0..<16 {
                let r = w * 16 + i
                // lime+1: position i is fed the metadata of token i+1; its head predicts the
                // next word's, that of the first word start after i+1.
                #expect(b.metadataTargets[0][r] == (i + 1 < 16 ? nextWord(after: i + 1).map { Int32(window.tag[$0]) } ?? -1 : -1))
                #expect(b.metadataTargets[1][r] == (i + 1 < 16 ? nextWord(after: i + 1).map { Int32(window.ner[$0]) } ?? -1 : -1))
                // lime: fed the metadata of token i; its head predicts the word after it.
                #expect(a.metadataTargets[0][r] == nextWord(after: i).map { Int32(window.pos[$0]) } ?? -1)
                if i + 2 <= 16 && window.wordStart[i + 2] == 0 { continued += 1 }
            }
        }
        #expect(continued > 20, "the windows hold multi-piece words")
        #expect(throws: TrainerError.self) { try VariantSpec(variant: .baseline, metadataHead: true) }
    }

    @Test func headlessSpecsAndConfigsKeepTheirJSON() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let plain = try VariantSpec(variant: .limePlus1, metadata: [.tag])
        #expect(String(decoding: try encoder.encode(plain), as: UTF8.self) == #"{"metadata":["tag"],"variant":"lime+1"}"#)
        let decoded = try JSONDecoder().decode(VariantSpec.self, from: Data(#"{"metadata":["tag"],"variant":"lime+1"}"#.utf8))
        #expect(decoded == plain && !decoded.metadataHead)
        let headed = try VariantSpec(variant: .limePlus1, metadata: [.tag], metadataHead: true)
        #expect(try JSONDecoder().decode(VariantSpec.self, from: try encoder.encode(headed)) == headed)
        let config = String(decoding: try encoder.encode(TrainConfig()), as: UTF8.self)
        #expect(!config.contains("metadata_head"))
        let weighted = try JSONDecoder().decode(TrainConfig.self, from: Data(#"{"metadata_head_weight": 0.25}"#.utf8))
        #expect(weighted.headWeight == 0.25 && TrainConfig().headWeight == 0.1)
    }

    /// The checkpoint bytes with the version field set to `version` and the checksum redone.
    func rewritten(_ path: String, version: UInt32) throws -> String {
        var bytes = [UInt8](FileManager.default.contents(atPath: path)!)
        bytes.removeLast(32)
        for i in 0..<4 { bytes[8 + i] = UInt8((version >> (8 * UInt32(i))) & 0xFF) }
        bytes += Hashing.sha256(bytes)
        let out = TestData.temporaryDirectory("lime-head-ckpt") + "/checkpoint.lime"
        try AtomicFile.write(bytes, to: out)
        return out
    }

    @Test func checkpointVersionsSayWhetherAHeadIsInside() throws {
        var spec = try ResumeTests.spec(.limePlus1, steps: 4)
        let plain = try TrainingRun.start(directory: TestData.temporaryDirectory("lime-head-v1"), spec: spec)
        plain.log = { _ in }
        try plain.train()
        spec.variant.metadataHead = true
        let directory = TestData.temporaryDirectory("lime-head-v2")
        let headed = try TrainingRun.start(directory: directory, spec: spec)
        headed.log = { _ in }
        try headed.train(until: 2)
        func version(_ path: String) -> UInt8 { [UInt8](FileManager.default.contents(atPath: path)!)[8] }
        #expect(version(plain.checkpointPath) == 1 && version(headed.checkpointPath) == 2)
        #expect(headed.parameters - plain.parameters == spec.variant.headParameters(dModel: 16))
        #expect(headed.headParameters == (16 + 1) * (TagSets.tag.count + TagSets.ner.count))

        // Resuming a run with a head continues it bit for bit.
        let resumed = try TrainingRun.resume(directory: directory)
        resumed.log = { _ in }
        #expect(resumed.spec.variant.metadataHead)
        try resumed.train()
        let straight = try TrainingRun.start(directory: TestData.temporaryDirectory("lime-head-v2b"), spec: spec)
        straight.log = { _ in }
        try straight.train()
        #expect(ResumeTests.weights(resumed) == ResumeTests.weights(straight))
        #expect(FileManager.default.contents(atPath: resumed.checkpointPath) == FileManager.default.contents(atPath: straight.checkpointPath))

        // A newer format is refused by its number; version 1 cannot claim a head.
        do {
            _ = try Checkpoint.read(try rewritten(headed.checkpointPath, version: 3))
            Issue.record("version 3 accepted")
        } catch let e as TrainerError {
            #expect(e.description.contains("version 3 is newer"))
        }
        #expect(throws: TrainerError.self) { try Checkpoint.read(try rewritten(headed.checkpointPath, version: 1)) }
        #expect(try Checkpoint.read(try rewritten(plain.checkpointPath, version: 2)).state.step == 4)
    }

    @Test func evaluationModesAndHeadAccuracy() throws {
        let (state, floats) = try Checkpoint.read(Self.run + "/" + Checkpoint.fileName)
        let model = try Transformer(config: state.spec.model, maxBatch: 4, threads: 2, seed: 0)
        try Checkpoint.load(floats, into: model.parameters, optimizer: nil)
        let dataset = try TestData.dataset()
        let windows = try SequentialWindows.make(dataset: dataset, length: 32, limit: 12) { _ in true }
        let spec = state.spec.variant
        let oracle = try Evaluation.run(model: model, spec: spec, windows: windows)
        let generator = try Generator(run: Self.run, annotator: try TestData.makeAnnotator())
        let wordStarts = PieceWords.table(generator.tokenizer)
        let predicted = try Evaluation.run(model: model, spec: spec, windows: windows, source: .predicted, wordStarts: wordStarts)
        let none = try Evaluation.run(model: model, spec: spec, windows: windows, source: .none)
        for e in [oracle, predicted, none] { #expect(e.overall.count == 12 * 32) }
        // Teacher-forced head: every position followed by a word start in its window; along its
        // own path: the word starts at positions 1 and on.
        let headTargets = spec.batch(windows).metadataTargets[0].filter { $0 >= 0 }.count
        let starts = windows.reduce(0) { n, w in n + (2...32).filter { wordStarts[Int(w.tokens[$0])] }.count }
        #expect(oracle.head?["tag"]?.count == headTargets && headTargets > 12 * 20)
        #expect(predicted.head?["ner"]?.count == starts && none.head?["tag"]?.count == headTargets)
        // The head has learned something: better than always guessing the commonest tag.
        var counts: [Int32: Int] = [:]
        for t in spec.batch(windows).metadataTargets[0] where t >= 0 { counts[t, default: 0] += 1 }
        let majority = Double(counts.values.max()!) / Double(headTargets)
        let headAccuracy = oracle.head!["tag"]!.accuracy
        print("head tag accuracy \(headAccuracy) (majority \(majority)), on its own path \(predicted.head!["tag"]!.accuracy); next-token accuracy oracle \(oracle.overall.accuracy), predicted \(predicted.overall.accuracy), none \(none.overall.accuracy); loss \(oracle.overall.meanLoss) \(predicted.overall.meanLoss) \(none.overall.meanLoss)")
        #expect(headAccuracy > majority + 0.05)
        // The oracle's tags carry information that the head's own do not all recover.
        #expect(oracle.overall.meanLoss < predicted.overall.meanLoss)
        #expect(predicted.overall.meanLoss != none.overall.meanLoss)
        // A model without a head cannot run the predicted mode.
        let plain = try Transformer(config: TinyTraining.config, maxBatch: 1, threads: 1, seed: 0)
        #expect(throws: TrainerError.self) {
            try Evaluation.run(model: plain, spec: try VariantSpec(variant: .limePlus1), windows: [], source: .predicted, wordStarts: wordStarts)
        }
        #expect(throws: TrainerError.self) { try Evaluation.run(model: model, spec: spec, windows: windows, source: .predicted) }
    }

    @Test func unguidedGenerationGivesValidTags() throws {
        let generator = try Generator(run: Self.run, annotator: try TestData.makeAnnotator())
        var options = Generator.Options()
        options.maxTokens = 30
        let (text, tokens) = try generator.generate(prompt: "Praise Yahweh", options: options)
        print("unguided: \(text.debugDescription) \(generator.taggedText(tokens: tokens, metadata: generator.lastMetadata))")
        #expect(tokens.count > 5)
        let meta = generator.lastMetadata
        #expect(meta.count == 2 && meta.allSatisfy { $0.count == tokens.count })
        #expect(meta[0].allSatisfy { $0 >= TagSet.separatorID && Int($0) < TagSets.tag.count })
        #expect(meta[1].allSatisfy { $0 >= TagSet.separatorID && Int($0) < TagSets.ner.count })

        // Sampled (greedy decoding of so small a model tends to repeat one word): the tags vary.
        options.temperature = 0.8
        options.topK = 5
        let (sampled, sampledTokens) = try generator.generate(prompt: "Praise Yahweh", options: options)
        print("sampled: \(sampled.debugDescription) \(generator.taggedText(tokens: sampledTokens, metadata: generator.lastMetadata))")
        #expect(generator.lastMetadata[0].allSatisfy { $0 >= TagSet.separatorID && Int($0) < TagSets.tag.count })
        #expect(Set(generator.lastMetadata[0]).count > 2, "the predicted tags vary")

        // A partial guide: given metadata where given (every kind the model uses: tag and
        // entity), predicted elsewhere.
        options.guide = ["*", ",//O", "*", ".//O"]
        let (guided, guidedTokens) = try generator.generate(prompt: "Praise Yahweh", options: options)
        let tagged = generator.taggedText(tokens: guidedTokens, metadata: generator.lastMetadata)
        print("partial guide: \(guided.debugDescription) \(tagged)")
        let words = generator.lastMetadata[0].enumerated().filter { generator.startsWord(Int(guidedTokens[$0.offset])) }.map(\.element)
        // (The predicted third word may be `<sep>`, ending the text early.)
        #expect(words.count >= 2)
        #expect(TagSets.tag.label(words[1]) == ",")
        if words.count >= 4 { #expect(TagSets.tag.label(words[3]) == ".") }
        #expect(generator.lastMetadata[0].allSatisfy { $0 >= TagSet.separatorID && Int($0) < TagSets.tag.count })

        // An empty prompt leaves no position to predict the first word's tags from.
        #expect(throws: TrainerError.self) { _ = try generator.generate(prompt: "", options: Generator.Options()) }
    }
}

extension MetadataHeadRunTests {
    /// Runs the built `lime` binary; returns its exit status and standard output.
    func lime(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: EvalCommandTests.limeBinary)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test func evalCommandReportsEveryMode() throws {
        let json = TestData.temporaryDirectory("lime-head-eval") + "/eval.json"
        let (status, text) = try lime(["eval", "--checkpoint", Self.run, "--data", TestData.directory, "--json", json, "--max-windows", "8"])
        #expect(status == 0, "\(text)")
        #expect(text.contains("\npredicted ") && text.contains("\nnone ") && text.contains("head tag"))
        let result = try JSONDecoder().decode(Evaluation.self, from: try Data(contentsOf: URL(fileURLWithPath: json)))
        let predicted = try #require(result.modes?["predicted"]), none = try #require(result.modes?["none"])
        #expect(predicted.overall.count == result.overall.count && none.overall.count == result.overall.count)
        #expect(result.head?["tag"] != nil && result.head?["ner"] != nil && predicted.head?["tag"] != nil)
        #expect(none.head?["tag"] != nil && predicted.overall.accuracy > 0)
    }

    @Test func generateCommandShowsTheTagsItFed() throws {
        let (status, text) = try lime(["generate", "--checkpoint", Self.run, "--prompt", "Praise Yahweh", "--max-tokens", "12", "--show-tags"])
        #expect(status == 0, "\(text)")
        let lines = text.split(separator: "\n")
        #expect(lines.count >= 2 && lines[0].hasPrefix("Praise Yahweh"))
        // Each word carries its tag and entity label, e.g. `word/NN|O`.
        #expect(lines.last!.split(separator: " ").allSatisfy { $0.contains("/") && $0.contains("|") })
    }
}

/// A head-less model shape for error checks.
enum TinyTraining {
    static let config = ModelConfig(vocabSize: 10, contextLength: 4, layers: 1, dModel: 8, heads: 2, metadataVocabSizes: [TagSets.tag.count])
}
