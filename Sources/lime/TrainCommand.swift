import ArgumentParser
import Foundation
import LimeData
import LimeTraining

/// `lime train`: trains baseline, LIME or LIME+1 on a shard directory, or resumes a run.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a baseline, LIME or LIME+1 model on pipeline shards (or continue a run).")

    @Option(help: "Pipeline output directory (manifest.json + shards), or a mixture file (.yaml: sources with weights, token budgets or epochs).") var data: String?
    @Option(help: "Window order: shard (default: shards per epoch, windows within a shard) or global (one permutation of all windows; overrides the config's shuffle).") var shuffle: String?
    @Option(help: "Model variant: baseline, lime or lime+1.") var variant: String = "lime"
    @Option(help: "Metadata kinds, comma-separated (tag, pos, ner).") var metadata: String = "tag"
    @Flag(help: "Add a metadata-prediction head (next position's metadata per kind; loss weight metadata_head_weight, default 0.1).")
    var metadataHead = false
    @Option(help: "JSON training config (snake_case keys override the defaults).") var config: String?
    @Option(help: "SentencePiece model of the data (default: found via the manifest/provenance).") var tokenizer: String?
    @Option(help: "Run directory for run.json, metrics.jsonl and checkpoint.lime.") var out: String?
    @Option(help: "Continue the run in this directory from its checkpoint.") var resume: String?
    @Option(help: "Seed of the initialization and the data order (overrides the config's seed).") var seed: UInt64?
    @Option(help: "Stop after this step (the schedule still spans the configured steps).") var stopAfter: Int?

    func validate() throws {
        if resume == nil && (data == nil || out == nil) { throw ValidationError("pass --data DIR and --out RUN, or --resume RUN") }
        if resume != nil && (data != nil || shuffle != nil) { throw ValidationError("--resume takes its data and order from the run; drop --data and --shuffle") }
        if resume != nil && seed != nil { throw ValidationError("--resume takes its seed from the run; drop --seed") }
        if resume != nil && metadataHead { throw ValidationError("--resume takes the model from the run; drop --metadata-head") }
    }

    func run() throws {
        let run: TrainingRun
        if let resume {
            run = try TrainingRun.resume(directory: resume)
        } else {
            guard let variant = Variant(rawValue: variant) else {
                throw ValidationError("unknown variant '\(variant)' (baseline, lime or lime+1)")
            }
            let spec = try VariantSpec(variant: variant, metadata: try MetadataKind.parseList(metadata), metadataHead: metadataHead)
            var settings = try config.map(TrainConfig.read) ?? TrainConfig()
            if let seed { settings.seed = seed }
            if let shuffle {
                guard let mode = ShuffleMode(rawValue: shuffle) else { throw ValidationError("unknown --shuffle '\(shuffle)' (shard or global)") }
                settings.shuffle = mode == .shard ? nil : mode
            }
            let tokenizerPath = try TrainingData.tokenizerPath(path: data!, given: tokenizer)
            let dataset = try TrainingData(path: data!, tokenizer: tokenizerPath)
            let runSpec = RunSpec(
                data: URL(fileURLWithPath: data!).standardizedFileURL.path,
                tokenizer: URL(fileURLWithPath: tokenizerPath).standardizedFileURL.path,
                separator: dataset.separator, vocabSize: dataset.vocabSize, variant: spec, config: settings)
            run = try TrainingRun.start(directory: out!, spec: runSpec)
        }
        run.log = { line in
            print(line)
            fflush(stdout)
        }
        try run.train(until: stopAfter)
    }
}
