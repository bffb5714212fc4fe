import Foundation
import LimeSupport
import LimeText

/// What a run did.
public struct RunSummary: Sendable {
    public var directory: String
    public var unitsProcessed = 0
    public var unitsSkipped = 0
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

    public init(inputs: [String], directory: String, config: PipelineConfig, partition: Partition? = nil,
                makeAnnotator: @escaping () throws -> Annotator) {
        self.inputs = inputs
        self.directory = directory
        self.config = config
        self.partition = partition
        self.makeAnnotator = makeAnnotator
    }

    private enum Event {
        case committed(UnitCommit)
        case failed(Error)
        case workerDone
        case readerDone(Error?)
    }

    public func run() throws -> RunSummary {
        let started = Date()
        let shardDirectory = (directory as NSString).appendingPathComponent(Manifest.shardDirectory)
        try FileManager.default.createDirectory(atPath: shardDirectory, withIntermediateDirectories: true)
        let lock = try RunLock(directory: directory)
        defer { withExtendedLifetime(lock) {} }
        try removeTemporaryFiles(in: shardDirectory)

        let model = try TokenizerLoader.load(pathOrDefault: config.tokenizer)
        tokenizerUsed?(model)
        let files = try InputDiscovery.expand(inputs)
        guard !files.isEmpty else { throw PipelineError("no input files found in \(inputs.joined(separator: ", "))") }
        let tagsetsSHA = Hashing.sha256(Array(TagSets.canonicalJSON().utf8))
        let probe = try makeAnnotator()
        let fingerprint = probe.fingerprint
        let fingerprintText = fingerprint.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")

        let store = try ProvenanceStore(path: (directory as NSString).appendingPathComponent("provenance.sqlite"))
        var identity = config.identity()
        identity["inputs"] = files.map(\.path).joined(separator: "\n")
        identity["tokenizer_sha256"] = model.sha256
        identity["tagsets_sha256"] = Hashing.hex(tagsetsSHA)
        identity["annotator_fingerprint"] = fingerprintText
        identity["partition"] = partition?.description ?? ""
        let existing = try store.config()
        if existing.isEmpty {
            try store.setConfig(identity)
        } else {
            let differing = identity.keys.sorted().filter { existing[$0] != identity[$0] }
            if !differing.isEmpty {
                throw PipelineError("\(directory) was produced with a different configuration (\(differing.joined(separator: ", ")) differ); use a new output directory or the original settings")
            }
        }
        try recordComponents(store, model: model, fingerprint: fingerprint, fingerprintText: fingerprintText, tagsetsSHA: tagsetsSHA)
        let changed = try store.registerInputs(files)
        if !changed.isEmpty {
            throw PipelineError("input changed since the first run of \(directory): \(changed.joined(separator: ", "))")
        }
        let committed = try store.committedUnits()
        let runID = try store.beginRun(command: command, partition: partition?.description, workers: config.workers)

        let writer = ShardWriter(tokenizerSHA256: model.sha256Bytes, tagsetSHA256: tagsetsSHA,
                                 vocabSize: model.vocabSize, zstdLevel: config.zstdLevel)
        let parser = DocumentParser(textField: config.textField, idField: config.idField, allowTokens: true)
        let workers = max(1, config.workers)
        let work = BlockingQueue<WorkUnit>(capacity: workers)
        let events = BlockingQueue<Event>(capacity: Int.max)
        let counters = Counters()
        var summary = RunSummary(directory: directory)

        // Reader: streams every input once, cuts it into units, hands out the pending ones.
        let reader = Thread { [config, partition] in
            var failure: Error?
            do {
                let planner = UnitPlanner(maxDocuments: config.unitDocuments, maxBytes: config.unitBytes)
                for file in files {
                    let records: RecordReader
                    do {
                        records = try RecordReader(file: file, maxRecordBytes: config.maxRecordBytes)
                    } catch {
                        try store.recordInputUnreadable(file, reason: "\(error)")
                        counters.addQuarantined(1)
                        continue
                    }
                    var lastRaw: Int64 = 0
                    var stopped = false
                    planner.forEachUnit(of: records) { unit in
                        counters.addBytes(records.rawBytesRead - lastRaw)
                        lastRaw = records.rawBytesRead
                        if committed.contains(unit.key) {
                            counters.addSkipped()
                            return true
                        }
                        if let partition, !partition.contains(unit.key) { return true }
                        if !work.push(unit) { stopped = true }
                        return !stopped
                    }
                    if stopped { break }
                    counters.addBytes(records.rawBytesRead - lastRaw)
                    if let previous = try store.recordInputRead(index: file.index, sha256: Hashing.hex(records.sha256)) {
                        throw PipelineError("\(file.path): content changed since an earlier run (SHA-256 was \(previous))")
                    }
                }
            } catch {
                failure = error
            }
            work.close()
            events.push(.readerDone(failure))
        }
        reader.stackSize = 8 << 20
        reader.start()

        // Workers: one annotator and aligner each.
        // The probe annotator (made above for its fingerprint) serves as worker 0's.
        var spare: Annotator? = probe
        for _ in 0..<workers {
            let ready = spare
            spare = nil
            let thread = Thread { [config, makeAnnotator] in
                defer { events.push(.workerDone) }
                do {
                    let processor = UnitProcessor(
                        annotator: try ready ?? makeAnnotator(),
                        aligner: SubwordAligner(model: model, mode: config.mode, cacheCapacity: config.cacheSize),
                        parser: parser, writer: writer, shardDirectory: shardDirectory, batchSize: config.batchSize)
                    while let unit = work.pop() {
                        let key = unit.key
                        let commit = try processor.process(unit) { timing in
                            if timing.stage != "pack" { try? store.recordStage(key, timing) }
                        }
                        events.push(.committed(commit))
                    }
                } catch {
                    events.push(.failed(error))
                    work.close()
                }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }

        // Committer (this thread): one transaction per unit.
        var firstError: Error?
        var readerFinished = false
        var workersLeft = workers
        var lastProgress = Date.distantPast
        let totalBytes = files.reduce(Int64(0)) { $0 + $1.size }
        while workersLeft > 0 || !readerFinished, let event = events.pop() {
            switch event {
            case .committed(let unit):
                do {
                    try store.commit(unit)
                    summary.unitsProcessed += 1
                    summary.documents += unit.documents.count
                    summary.tokens += unit.shard?.tokens ?? 0
                    summary.quarantined += unit.quarantined.count
                } catch {
                    if firstError == nil { firstError = error }
                    work.close()
                }
            case .failed(let error):
                if firstError == nil { firstError = error }
            case .workerDone:
                workersLeft -= 1
            case .readerDone(let error):
                readerFinished = true
                if let error, firstError == nil { firstError = error }
            }
            if let progress, Date().timeIntervalSince(lastProgress) > 0.5 {
                lastProgress = Date()
                progress(summary.documents, counters.bytes, totalBytes)
            }
        }
        summary.quarantined += counters.quarantined
        summary.unitsSkipped = counters.skipped
        summary.bytesRead = counters.bytes
        summary.seconds = Date().timeIntervalSince(started)
        summary.quarantinedTotal = try store.status().quarantined
        if let firstError {
            try? store.finishRun(runID, status: "failed", documents: summary.documents, quarantined: summary.quarantined)
            throw firstError
        }
        let manifest = try writeManifest(store: store, model: model, fingerprint: fingerprint, tagsetsSHA: tagsetsSHA)
        summary.manifest = manifest
        summary.complete = partition == nil
        try store.finishRun(runID, status: "completed", documents: summary.documents, quarantined: summary.quarantined)
        return summary
    }

    private func recordComponents(_ store: ProvenanceStore, model: any SubwordTokenizer, fingerprint: [String: String],
                                  fingerprintText: String, tagsetsSHA: [UInt8]) throws {
        try store.setComponent(name: "tokenizer", version: model.kind, path: model.path, sha256: model.sha256)
        try store.setComponent(name: "tagsets", version: "1", path: "Schemas/tagsets.json", sha256: Hashing.hex(tagsetsSHA))
        try store.setComponent(name: "annotator", version: fingerprintText, path: nil, sha256: fingerprint["model_sha256"])
        try store.setComponent(name: "lime", version: LimeVersion.string, path: nil, sha256: nil)
        try store.setComponent(name: "shard-format", version: String(ShardFormat.version), path: nil, sha256: nil)
    }

    private func writeManifest(store: ProvenanceStore, model: any SubwordTokenizer, fingerprint: [String: String],
                               tagsetsSHA: [UInt8]) throws -> Manifest {
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
        try manifest.write(to: directory)
        return manifest
    }

    private func removeTemporaryFiles(in directory: String) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) where name.contains(".tmp-") {
            try FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(name))
        }
    }
}

/// Counters shared by the reader thread and the committer.
private final class Counters: @unchecked Sendable {
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
}

/// The version of lime recorded in provenance.
public enum LimeVersion {
    public static let string = "0.1.0"
}
