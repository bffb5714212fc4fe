import ArgumentParser
import Foundation
import LimeCompute
import LimeData
import LimeTransformer
import LimeTraining

/// `lime eval`: perplexity and next-token accuracy of a checkpoint on a shard directory;
/// for metadata variants also with no metadata, and with a head with its own predictions.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Loss, perplexity and next-token accuracy on shards, by target tag and piece position.")

    @Option(help: "Run directory holding checkpoint.lime.") var checkpoint: String
    /// Which documents of the data are evaluated.
    enum Split: String, ExpressibleByArgument, CaseIterable {
        /// The run's held-out documents (chosen by a hash of their pieces, so the same
        /// documents are held out in any shard set made from them with the same tokenizer).
        case validation
        /// Every document.
        case all
    }

    @Option(help: "Pipeline output directory to evaluate on (default: the run's own data).") var data: String?
    @Option(help: "Documents to evaluate: validation (the run's held-out split) or all (default: validation for the run's own data, all for --data).")
    var split: Split?
    @Option(help: "At most this many windows.") var maxWindows: Int = 512
    @Option(help: "Write the full result as JSON to this file.") var json: String?
    @Option(help: "Leave out tags with fewer targets in the text report.") var minCount: Int = 20

    func run() throws {
        let (state, floats) = try Checkpoint.read((checkpoint as NSString).appendingPathComponent(Checkpoint.fileName))
        let spec = state.spec
        let model = try Transformer(config: spec.model, maxBatch: spec.config.batchSize, threads: ThreadPool.machineThreads, seed: 0)
        try Checkpoint.load(floats, into: model.parameters, optimizer: nil)
        let source = try TrainingData(path: data ?? spec.data, tokenizer: spec.tokenizer)
        guard source.vocabSize == spec.vocabSize, source.separator == spec.separator else {
            throw ValidationError("\(data ?? spec.data) uses another tokenizer than the checkpoint")
        }
        let held = DocumentSplit(validationFraction: spec.config.validationFraction)
        let everything = (split ?? (data == nil ? .validation : .all)) == .all
        let windows = try source.validation(length: spec.config.contextLength, limit: maxWindows) {
            everything || held.isValidation($0)
        }
        guard !windows.isEmpty else { throw ValidationError("no full window of \(spec.config.contextLength + 1) tokens to evaluate") }
        var result = try Evaluation.run(model: model, spec: spec.variant, windows: windows)
        if !spec.variant.metadata.isEmpty {
            var modes = ["none": try Evaluation.run(model: model, spec: spec.variant, windows: windows, source: .none)]
            if spec.variant.metadataHead && spec.variant.variant == .limePlus1 {
                let wordStarts = PieceWords.table(try TokenizerLoader.load(path: spec.tokenizer))
                modes["predicted"] = try Evaluation.run(model: model, spec: spec.variant, windows: windows, source: .predicted, wordStarts: wordStarts)
            }
            result.modes = modes
        }
        print("\(spec.variant.variant.rawValue) at step \(state.step), \(windows.count) windows")
        if !spec.variant.metadata.isEmpty, data != nil {
            // Another shard set may carry tags of the other annotation context: said, not refused
            // (feeding causal tags to a model trained on full-context ones is a measurement).
            let fed = source.first.manifest.annotationContext
            let trained = (try? Manifest.read(from: TrainingData.firstDirectory(spec.data)))?.annotationContext
            if let fed, let trained, fed != trained {
                print("metadata fed: \(fed.rawValue)-context tags; the model was trained on \(trained.rawValue)-context ones")
            }
        }
        print(result.report(minimumCount: minCount))
        if result.modes != nil {
            print("\nby metadata fed (oracle: the data's; predicted: the head's own, word by word as in unguided generation; none: <unk>)")
            print(result.modesReport())
        }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            try encoder.encode(result).write(to: URL(fileURLWithPath: json), options: .atomic)
        }
    }
}
