import Foundation
import LimeSupport
import LimeText

/// What a run did.
public struct RunSummary: Sendable {
    public var directory: String
    public var unitsProcessed = 0
    public var unitsSkipped = 0
    /// Units packed from annotations kept by an earlier run (no annotation work).
    public var annotationsReused = 0
    public var documents = 0
    public var tokens = 0
    /// Records quarantined by this invocation, and in the directory overall.
    public var quarantined = 0
    public var quarantinedTotal = 0
    public var bytesRead: Int64 = 0
    public var seconds = 0.0
    /// False when the run processed one partition only or stopped early.
    public var complete = false
    public var manifest: Manifest?
}

/// The staged, resumable pipeline: inputs -> work units -> (parse, annotate, align,
/// pack) on worker threads -> one shard per unit, committed to the provenance database.
/// Rerunning on the same directory skips committed units; the result is byte-identical
/// to an uninterrupted run, whatever the number of workers.
public final class Pipeline {
    public let inputs: [String]
    public let directory: String
    public let config: PipelineConfig
    public let partition: Partition?
    /// Makes one annotator per worker.
    public let makeAnnotator: () throws -> Annotator
    /// Called about twice a second with progress (documents, input bytes read, total bytes).
    public var progress: ((_ documents: Int, _ bytesRead: Int64, _ totalBytes: Int64) -> Void)?
    public var command = "lime run"
    /// Called once with the tokenizer the run uses (the given one or the default).
    public var tokenizerUsed: ((any SubwordTokenizer) -> Void)?

    private let stopLock = NSLock()
    private var stopRequested = false
    private var activeWork: BlockingQueue<WorkUnit>?

    /// Whether a stop was requested.
    var isStopping: Bool { stopLock.withLock { stopRequested } }

    /// Asks a running `run()` to stop (e.g. on SIGINT or SIGTERM): no new unit starts, the
    /// units in progress finish and are committed, and `run()` throws `PipelineInterrupted`.
    /// A rerun resumes. Safe to call from any thread, before or during `run()`.
    public func requestStop() {
        stopLock.withLock {
            stopRequested = true
            activeWork?.close()
        }
    }

    public init(inputs: [String], directory: String, config: PipelineConfig, partition: Partition? = nil,
                makeAnnotator: @escaping () throws -> Annotator) {
        self.inputs = inputs
        self.directory = directory
        self.config = config
        self.partition = partition
        self.makeAnnotator = makeAnnotator
    }

    enum Event {
        case committed(UnitCommit)
        case failed(Error)
        case workerDone
        case readerDone(Error?)
    }

    /// What the parts of one run share: the files, the provenance store, the queues
    /// between reader, workers and committer, and the components every worker uses.
    struct RunContext {
        let files: [InputFile]
        let store: ProvenanceStore
        let committed: Set<UnitKey>
        let model: any SubwordTokenizer
        let writer: ShardWriter
        let parser: DocumentParser
        let shardDirectory: String
        /// The dataset's annotate-stage outputs, kept and reused per unit.
        let annotations: AnnotationStage
        /// Whether the run writes a shard set (`shard-sets/NAME/`) rather than the dataset's own shards.
        let isShardSet: Bool
        let workers: Int
        let work: BlockingQueue<WorkUnit>
        let events = BlockingQueue<Event>(capacity: Int.max)
        let counters = Counters()
    }

    /// Runs the pipeline: checks the directory's configuration identity, then a reader
    /// thread cuts the inputs into pending units, worker threads process them, and this
    /// thread commits each finished unit; finally the manifest is written. When the
    /// directory was made with another tokenizer or annotator, the run writes a further
    /// shard set of the same documents under `shard-sets/NAME/` (see `ShardSetPlacement`),
    /// reusing the kept annotations where the annotator is the same.
    public func run() throws -> RunSummary {
        let started = Date()
        try Directory.create(directory)
        let lock = try RunLock(directory: directory)
        defer { withExtendedLifetime(lock) {} }

        let model = try TokenizerLoader.load(pathOrDefault: config.tokenizer)
        tokenizerUsed?(model)
        let files = try InputDiscovery.expand(inputs)
        guard !files.isEmpty else { throw PipelineError("no input files found in \(inputs.joined(separator: ", "))") }
        let tagsetsSHA = Hashing.sha256(Array(TagSets.canonicalJSON().utf8))
        let probe = try makeAnnotator()
        let fingerprint = probe.fingerprint

        let datasetStore = try ProvenanceStore(path: (directory as NSString).appendingPathComponent("provenance.sqlite"))
        let identity = makeIdentity(files: files, model: model, tagsetsSHA: tagsetsSHA, fingerprint: fingerprint)
        let placement = try ShardSetPlacement.resolve(identity: identity, existing: try datasetStore.config(), directory: directory)
        if case .primary = placement, try datasetStore.config().isEmpty { try datasetStore.setConfig(identity) }
        let output = placement.outputDirectory(in: directory)
        try Directory.create(output)
        let store = output == directory
            ? datasetStore : try ProvenanceStore(path: (output as NSString).appendingPathComponent("provenance.sqlite"))
        if output != directory { try checkShardSetIdentity(store: store, identity: identity, output: output) }
        try recordComponents(store, model: model, fingerprint: fingerprint,
                             fingerprintText: identity["annotator_fingerprint"] ?? "", tagsetsSHA: tagsetsSHA)
        let shardDirectory = (output as NSString).appendingPathComponent(Manifest.shardDirectory)
        try Directory.create(shardDirectory)
        try removeTemporaryFiles(in: shardDirectory)
        let annotations = AnnotationStage(datasetDirectory: directory, store: datasetStore,
                                          fingerprint: identity["annotator_fingerprint"] ?? "", zstdLevel: config.zstdLevel)
        try annotations.prepare()

        let changed = try store.registerInputs(files)
        if !changed.isEmpty {
            throw PipelineError("input changed since the first run of \(directory): \(changed.joined(separator: ", "))")
        }
        let runID = try store.beginRun(command: command, partition: partition?.description, workers: config.workers)

        let workers = max(1, config.workers)
        let context = RunContext(
            files: files, store: store, committed: try store.committedUnits(), model: model,
            writer: ShardWriter(tokenizerSHA256: model.sha256Bytes, tagsetSHA256: tagsetsSHA,
                                vocabSize: model.vocabSize, zstdLevel: config.zstdLevel),
            parser: DocumentParser(textField: config.textField, idField: config.idField, allowTokens: true,
                                   acceptAnnotations: true),
            shardDirectory: shardDirectory, annotations: annotations, isShardSet: output != directory,
            workers: workers, work: BlockingQueue<WorkUnit>(capacity: workers))
        stopLock.withLock {
            activeWork = context.work
            if stopRequested { context.work.close() }
        }
        startReader(context)
        startWorkers(context, first: probe)
        var summary = RunSummary(directory: output)
        let firstError = commitUntilDone(context, into: &summary)

        summary.quarantined += context.counters.quarantined
        summary.unitsSkipped = context.counters.skipped
        summary.bytesRead = context.counters.bytes
        summary.seconds = Date().timeIntervalSince(started)
        summary.quarantinedTotal = try store.status().quarantined
        if let firstError {
            try? store.finishRun(runID, status: "failed", documents: summary.documents, quarantined: summary.quarantined)
            throw firstError
        }
        if context.counters.unitsLeftUndone {
            try store.finishRun(runID, status: "interrupted", documents: summary.documents, quarantined: summary.quarantined)
            throw PipelineInterrupted(directory: directory, unitsCommitted: summary.unitsProcessed)
        }
        summary.manifest = try writeManifest(store: store, model: model, fingerprint: fingerprint, tagsetsSHA: tagsetsSHA,
                                             to: output)
        summary.complete = partition == nil
        if !config.keepAnnotations { try annotations.dropAll() }
        try store.finishRun(runID, status: "completed", documents: summary.documents, quarantined: summary.quarantined)
        return summary
    }

    func recordComponents(_ store: ProvenanceStore, model: any SubwordTokenizer, fingerprint: [String: String],
                                  fingerprintText: String, tagsetsSHA: [UInt8]) throws {
        try store.setComponent(name: "tokenizer", version: model.kind, path: model.path, sha256: model.sha256)
        try store.setComponent(name: "tagsets", version: "1", path: "Schemas/tagsets.json", sha256: Hashing.hex(tagsetsSHA))
        try store.setComponent(name: "annotator", version: fingerprintText, path: nil, sha256: fingerprint["model_sha256"])
        try store.setComponent(name: "lime", version: LimeVersion.string, path: nil, sha256: nil)
        try store.setComponent(name: "shard-format", version: String(ShardFormat.version), path: nil, sha256: nil)
    }

    private func writeManifest(store: ProvenanceStore, model: any SubwordTokenizer, fingerprint: [String: String],
                               tagsetsSHA: [UInt8], to output: String) throws -> Manifest {
        let shards = try store.shards()
        let manifest = Manifest(
            tokenizer: .init(file: (model.path as NSString).lastPathComponent, sha256: model.sha256,
                             vocabSize: model.vocabSize, mode: config.mode.rawValue),
            tagsetsSHA256: Hashing.hex(tagsetsSHA),
            annotator: fingerprint,
            partition: partition?.description,
            documents: shards.reduce(0) { $0 + $1.documents },
            tokens: shards.reduce(0) { $0 + $1.tokens },
            quarantined: try store.status().quarantined,
            shards: shards.map { .init(file: $0.file, documents: $0.documents, tokens: $0.tokens, bytes: $0.bytes, sha256: $0.sha256) })
        try manifest.write(to: output)
        return manifest
    }

    private func removeTemporaryFiles(in directory: String) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) where name.contains(".tmp-") {
            try Directory.remove((directory as NSString).appendingPathComponent(name), what: "a temporary file of an earlier run")
        }
    }
}

/// Counters shared by the reader thread and the committer.
final class Counters: @unchecked Sendable {
    private let lock = NSLock()
    private var _bytes: Int64 = 0
    private var _skipped = 0
    private var _quarantined = 0
    var bytes: Int64 { lock.withLock { _bytes } }
    var skipped: Int { lock.withLock { _skipped } }
    var quarantined: Int { lock.withLock { _quarantined } }
    func addBytes(_ n: Int64) { lock.withLock { _bytes += n } }
    func addSkipped() { lock.withLock { _skipped += 1 } }
    func addQuarantined(_ n: Int) { lock.withLock { _quarantined += n } }
    /// Whether a unit was left undone: the reader stopped before the end of the inputs (the
    /// work queue was closed) or a worker, asked to stop, did not start a queued unit.
    private var _unitsLeftUndone = false
    var unitsLeftUndone: Bool { lock.withLock { _unitsLeftUndone } }
    func markUnitsLeftUndone() { lock.withLock { _unitsLeftUndone = true } }
}

/// The version of lime recorded in provenance.
public enum LimeVersion {
    public static let string = "0.1.0"
}

/// `Pipeline.run` stopped on request: the units committed so far are kept, a rerun resumes.
public struct PipelineInterrupted: Error, CustomStringConvertible, Sendable {
    public let directory: String
    public let unitsCommitted: Int
    public var description: String {
        "\(directory): stopped on request after committing \(unitsCommitted) units this run; run the same command again to resume"
    }
}
