import Foundation
import LimeCompute
import LimeSupport
import LimeTransformer

/// A training run in a directory: `run.json` (the spec), `metrics.jsonl` (one JSON line
/// per validation), `checkpoint.lime` (written atomically) and `timing.json` (seconds spent
/// training up to the checkpoint's step: kept out of the checkpoint so that its bytes do
/// not depend on the clock). Continuing from the
/// checkpoint gives the same bits as never having stopped.
public final class TrainingRun {
    public let directory: String
    public let spec: RunSpec
    /// The run's data: one directory or a mixture (`spec.data`).
    public let data: TrainingData
    /// The (first) dataset: its tokenizer and separator are the run's.
    public var dataset: ShardDataset { data.first }
    public let model: Transformer
    public let trainer: Trainer
    public let loader: any WindowLoader
    /// Held-out windows used for periodic validation.
    public let validation: [TrainingWindow]
    public private(set) var step = 0
    public private(set) var tokens = 0
    public private(set) var trainSeconds = 0.0
    private var lossSum = 0.0
    private var lossSteps = 0
    /// Receives progress lines.
    public var log: (String) -> Void = { print($0) }

    public static let specFile = "run.json"
    public static let metricsFile = "metrics.jsonl"
    public static let timingFile = "timing.json"

    public var checkpointPath: String { path(Checkpoint.fileName) }
    public var metricsPath: String { path(Self.metricsFile) }
    public var timingPath: String { path(Self.timingFile) }
    func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    /// Starts a new run in `directory` (which must not hold a checkpoint already).
    public static func start(directory: String, spec: RunSpec) throws -> TrainingRun {
        try spec.config.validate()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let run = try TrainingRun(directory: directory, spec: spec, state: nil)
        if FileManager.default.fileExists(atPath: run.checkpointPath) {
            throw TrainerError("\(directory) already holds a run: continue it with --resume or choose another --out")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(spec), to: run.path(specFile))
        try AtomicFile.write("", to: run.metricsPath)
        return run
    }

    /// Reopens the run in `directory` at its checkpoint.
    public static func resume(directory: String) throws -> TrainingRun {
        let path = (directory as NSString).appendingPathComponent(Checkpoint.fileName)
        let (state, floats) = try Checkpoint.read(path)
        let run = try TrainingRun(directory: directory, spec: state.spec, state: state)
        try Checkpoint.load(floats, into: run.model.parameters, optimizer: run.trainer.optimizer)
        try run.truncateMetrics(after: state.step)
        return run
    }

    init(directory: String, spec: RunSpec, state: Checkpoint.State?) throws {
        self.directory = directory
        self.spec = spec
        let c = spec.config
        data = try TrainingData(path: spec.data, tokenizer: spec.tokenizer, separator: spec.separator)
        guard data.vocabSize == spec.vocabSize else {
            throw TrainerError(path: spec.data, "vocabulary \(data.vocabSize) differs from the run's \(spec.vocabSize)")
        }
        let threads = c.threads > 0 ? c.threads : ProcessInfo.processInfo.activeProcessorCount
        model = try Transformer(config: spec.model, maxBatch: c.batchSize, threads: threads, seed: c.seed)
        model.metadataHeadWeight = c.headWeight
        trainer = Trainer(model: model, schedule: c.schedule, weightDecay: c.weightDecay, maxGradNorm: c.maxGradNorm)
        let split = DocumentSplit(validationFraction: c.validationFraction)
        loader = try data.loader(length: c.contextLength, seed: c.seed, split: split, shuffle: c.shuffle ?? .shard, threads: threads,
                                 indexDirectory: directory)
        validation = try data.validation(length: c.contextLength, limit: c.evalWindows) { split.isValidation($0) }
        guard !validation.isEmpty else {
            throw TrainerError(path: spec.data, "the validation split holds no full window; raise validation_fraction or use more data")
        }
        if let state {
            step = state.step
            tokens = state.tokens
            lossSum = state.lossSum
            lossSteps = state.lossSteps
            trainSeconds = TrainingTiming.read(timingPath, step: state.step)
            trainer.optimizer.setStep(state.optimizerStep)
            let mixture = loader as? MixtureLoader
            guard (mixture?.accepts(state.cursor) ?? (state.cursor.mixture == nil)) else {
                throw TrainerError(path: directory, "the checkpoint's data cursor does not fit \(spec.data) (mixture sources or weights changed?)")
            }
            loader.restore(state.cursor)
        }
    }

    /// Parameters in the metadata tables and scalars, and their share of the model.
    public var metadataParameters: Int { spec.variant.metadataParameters(dModel: spec.config.dModel) }
    public var parameters: Int { model.parameters.parameterCount }
    /// Parameters of the metadata head (0 without one).
    public var headParameters: Int { spec.variant.headParameters(dModel: spec.config.dModel) }

    /// Trains until step `stop` (default: the configured total), validating, logging and
    /// checkpointing on schedule and checkpointing at the end.
    public func train(until stop: Int? = nil) throws {
        let c = spec.config
        let end = min(stop ?? c.steps, c.steps)
        let tokensPerStep = c.batchSize * c.contextLength
        let share = Double(metadataParameters) / Double(parameters)
        log(String(format: "%@ %@: %d parameters, metadata tables %d (%.3f%% of the model); step %d of %d",
                   spec.variant.variant.rawValue, spec.variant.metadata.map(\.rawValue).joined(separator: ","),
                   parameters, metadataParameters, 100 * share, step, c.steps))
        if spec.variant.metadataHead {
            log(String(format: "metadata head: %d parameters (%.3f%% of the model), loss weight %g per kind",
                       headParameters, 100 * Double(headParameters) / Double(parameters), Double(c.headWeight)))
        }
        var windowStart = Timing.now(), windowTokens = 0
        while step < end {
            let windows = try loader.nextBatch(c.batchSize)
            let t0 = Timing.now()
            let result = try trainer.step(spec.variant.batch(windows))
            trainSeconds += Timing.now() - t0
            guard result.loss.isFinite else { throw TrainerError("loss is \(result.loss) at step \(step + 1)") }
            // The language-model part (the whole loss without a head), comparable across variants.
            let lmLoss = model.lastLanguageModelLoss
            step += 1
            tokens += tokensPerStep
            windowTokens += tokensPerStep
            lossSum += Double(lmLoss)
            lossSteps += 1
            if step % c.logEvery == 0 || step == end {
                let now = Timing.now()
                let rate = Double(windowTokens) / max(now - windowStart, 1e-9)
                let eta = Double((c.steps - step) * tokensPerStep) / rate
                let head = spec.variant.metadataHead
                    ? "  head " + model.lastMetadataLosses.map { String(format: "%.3f", $0) }.joined(separator: ",") : ""
                log(String(format: "step %d/%d  tokens %d  loss %.4f%@  lr %.2e  %.0f tok/s  ETA %@",
                           step, c.steps, tokens, lmLoss, head, result.learningRate, rate, Self.duration(eta)))
                windowStart = now
                windowTokens = 0
            }
            if step % c.evalEvery == 0 || step == c.steps { try recordValidation() }
            if step % c.checkpointEvery == 0 || step == end { try saveCheckpoint() }
        }
    }

    /// Validation loss, perplexity and accuracy on the held-out windows.
    public func validate() throws -> Evaluation { try Evaluation.run(model: model, spec: spec.variant, windows: validation) }

    func recordValidation() throws {
        let evaluation = try validate()
        let result = evaluation.overall
        let trainLoss = lossSteps > 0 ? lossSum / Double(lossSteps) : .nan
        lossSum = 0
        lossSteps = 0
        // The head's accuracy per kind (teacher-forced), only for runs with a head.
        let head = spec.variant.metadata.compactMap { kind in evaluation.head?[kind.rawValue].map { (kind.rawValue, $0.accuracy) } }
        let line = try MetricsLine(step: step, tokens: tokens, trainLoss: trainLoss, valLoss: result.meanLoss,
                                   valPerplexity: result.perplexity, valAccuracy: result.accuracy,
                                   headAccuracy: head.map { (kind: $0.0, accuracy: $0.1) }, trainSeconds: trainSeconds).jsonLine()
        let headText = head.map { String(format: "  head %@ %.4f", $0.0, $0.1) }.joined()
        log(String(format: "validation at step %d: loss %.4f  ppl %.2f  acc %.4f%@", step, result.meanLoss, result.perplexity, result.accuracy, headText))
        guard let handle = FileHandle(forWritingAtPath: metricsPath) else { throw TrainerError(path: metricsPath, "cannot append") }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: line)
        try handle.synchronize()
    }

    /// Writes the checkpoint atomically.
    public func saveCheckpoint() throws {
        let state = Checkpoint.State(
            spec: spec, step: step, tokens: tokens, optimizerStep: trainer.optimizer.step, cursor: loader.cursor,
            lossSum: lossSum, lossSteps: lossSteps)
        try Checkpoint.write(state, store: model.parameters, optimizer: trainer.optimizer, to: checkpointPath)
        try TrainingTiming(step: step, trainSeconds: trainSeconds).write(to: timingPath)
    }

    /// Drops metrics lines written after the checkpoint (by a run that was interrupted).
    func truncateMetrics(after step: Int) throws {
        guard let data = FileManager.default.contents(atPath: metricsPath) else { return }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        let kept = lines.filter { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let s = object["step"] as? Int else { return false }
            return s <= step
        }
        if kept.count != lines.count { try AtomicFile.write(kept.map { $0 + "\n" }.joined(), to: metricsPath) }
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }
}
