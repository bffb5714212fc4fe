import Foundation
import LimeSupport
import LimeText

/// Runs the stages on one work unit: parse (read) -> pre-tokenize + annotate ->
/// subword-align -> pack, and returns what the unit commits. One instance per worker
/// thread (it owns an annotator and an aligner with its word cache).
public final class UnitProcessor {
    public let aligner: SubwordAligner
    public let parser: DocumentParser
    public let writer: ShardWriter
    public let shardDirectory: String
    public let batchSize: Int
    /// Where the annotate stage keeps (and finds) its output per unit; nil keeps none.
    public let annotations: AnnotationStage?

    private let makeAnnotator: () throws -> Annotator
    private var madeAnnotator: Annotator?

    /// `makeAnnotator` runs when a document first needs annotating: a worker whose units all
    /// have kept annotations (a shard set of another tokenizer) never loads a model or
    /// starts a spaCy process.
    public init(makeAnnotator: @escaping () throws -> Annotator, aligner: SubwordAligner, parser: DocumentParser,
                writer: ShardWriter, shardDirectory: String, batchSize: Int, annotations: AnnotationStage? = nil) {
        self.annotations = annotations
        self.makeAnnotator = makeAnnotator
        self.aligner = aligner
        self.parser = parser
        self.writer = writer
        self.shardDirectory = shardDirectory
        self.batchSize = max(1, batchSize)
    }

    /// The worker's annotator, made on first use.
    func annotator() throws -> Annotator {
        if let madeAnnotator { return madeAnnotator }
        let made = try makeAnnotator()
        madeAnnotator = made
        return made
    }

    /// A document that made it through every stage.
    struct Kept {
        var input: InputDocument
        var text: String
        var aligned: AlignedDocument
    }

    /// Runs every stage on `unit`, reporting each stage's timing as it finishes.
    public func process(_ unit: WorkUnit, stageDone: ((StageTiming) -> Void)? = nil) throws -> UnitCommit {
        var clock = StageClock(stageDone: stageDone)
        var quarantine = UnitQuarantine(unit: unit)
        let documents = clock.timed(.read) { read(unit, &quarantine) }
        let (annotated, annotation) = try clock.timed(.annotate) { try annotateOrReuse(unit, documents, &quarantine) }
        let kept = clock.timed(.align) { align(annotated, &quarantine) }
        let (shard, records) = try clock.timed(.pack) { try pack(kept, unit: unit) }
        return UnitCommit(key: unit.key, firstLine: unit.firstLine, lineCount: unit.records.count,
                          byteOffset: unit.byteOffset, byteLength: unit.byteLength, shard: shard,
                          documents: records, quarantined: quarantine.records.sorted { ($0.line, $0.stage) < ($1.line, $1.stage) },
                          stages: clock.stages, annotation: annotation?.row, annotationReused: annotation?.reused ?? false)
    }

    /// `annotate` with its output kept: the unit's recorded annotations when they match
    /// its documents (no annotation work: the stage's item count is 0), or else a fresh
    /// annotation, saved. Returns the documents with tokens and the stage output's row.
    private func annotateOrReuse(_ unit: WorkUnit, _ documents: [InputDocument], _ quarantine: inout UnitQuarantine) throws
        -> (items: Int, ([(InputDocument, [AnnotatedToken])], (row: StageOutputRecord, reused: Bool)?)) {
        guard let annotations else {
            let (items, annotated) = try annotate(documents, &quarantine)
            return (items, (annotated, nil))
        }
        let inputSHA256 = unit.inputSHA256()
        if let (file, row) = annotations.load(unit.key, inputSHA256: Hashing.hex(inputSHA256)),
           let reused = Self.reuse(file, for: documents, &quarantine) {
            return (0, (reused, (row, true)))
        }
        let (items, annotated) = try annotate(documents, &quarantine)
        var tokensByLine: [Int: [AnnotatedToken]] = [:]
        for (document, tokens) in annotated { tokensByLine[document.line] = tokens }
        let failures = Dictionary(quarantine.records.filter { $0.stage == UnitStage.annotate.rawValue }.map { ($0.line, $0.reason) },
                                  uniquingKeysWith: { first, _ in first })
        let file = AnnotationFile(key: unit.key, fingerprint: annotations.fingerprint, inputSHA256: inputSHA256,
                                  documents: documents.map { document in
            AnnotationFile.Document(id: document.id, line: document.line, byteOffset: document.byteOffset,
                                    text: document.content.text, tokens: tokensByLine[document.line],
                                    failure: failures[document.line] ?? "", fromInput: document.annotations != nil)
        })
        return (items, (annotated, (try annotations.save(file), false)))
    }

    /// The documents paired with their recorded tokens (and the refused ones quarantined
    /// again, with their recorded reason); nil if the file does not describe exactly
    /// these documents, in which case the unit is annotated afresh.
    private static func reuse(_ file: AnnotationFile, for documents: [InputDocument], _ quarantine: inout UnitQuarantine)
        -> [(InputDocument, [AnnotatedToken])]? {
        guard file.documents.count == documents.count else { return nil }
        var annotated: [(InputDocument, [AnnotatedToken])] = []
        var refused: [(InputDocument, String)] = []
        for (document, recorded) in zip(documents, file.documents) {
            guard recorded.line == document.line, recorded.id == document.id, recorded.text == document.content.text else {
                return nil
            }
            if let tokens = recorded.tokens { annotated.append((document, tokens)) } else { refused.append((document, recorded.failure)) }
        }
        for (document, reason) in refused { quarantine.reject(document, stage: .annotate, reason) }
        return annotated
    }

    /// `read`: records to documents.
    private func read(_ unit: WorkUnit, _ quarantine: inout UnitQuarantine) -> (items: Int, [InputDocument]) {
        var documents: [InputDocument] = []
        for record in unit.records {
            switch parser.parse(record, file: unit.file) {
            case .success(let document): documents.append(document)
            case .failure(let record): quarantine.records.append(record)
            }
        }
        return (unit.records.count, documents)
    }

    /// `annotate`: documents to tokens with tags, in batches of `batchSize`; documents whose
    /// input carried annotations keep them. The item count is the documents the annotator saw.
    private func annotate(_ documents: [InputDocument], _ quarantine: inout UnitQuarantine) throws -> (items: Int, [(InputDocument, [AnnotatedToken])]) {
        var tokens: [[AnnotatedToken]?] = documents.map(\.annotations)
        let pending = documents.indices.filter { tokens[$0] == nil }
        var failures: [Int: String] = [:]
        var batchStart = 0
        while batchStart < pending.count {
            let batch = Array(pending[batchStart..<min(batchStart + batchSize, pending.count)])
            let results = try annotator().annotate(batch.map { documents[$0].content })
            for (index, result) in zip(batch, results) {
                switch result {
                case .success(let annotated): tokens[index] = annotated
                case .failure(let failure): failures[index] = failure.reason
                }
            }
            batchStart += batchSize
        }
        var annotated: [(InputDocument, [AnnotatedToken])] = []
        annotated.reserveCapacity(documents.count)
        for (index, document) in documents.enumerated() {
            if let documentTokens = tokens[index] {
                annotated.append((document, documentTokens))
            } else {
                quarantine.reject(document, stage: .annotate, failures[index] ?? "no annotation")
            }
        }
        return (pending.count, annotated)
    }

    /// `align`: tokens to subword pieces carrying their word's tags.
    private func align(_ annotated: [(InputDocument, [AnnotatedToken])], _ quarantine: inout UnitQuarantine) -> (items: Int, [Kept]) {
        var kept: [Kept] = []
        kept.reserveCapacity(annotated.count)
        for (document, tokens) in annotated {
            let text = document.content.text
            do {
                let aligned = try aligner.align(id: document.id, text: text, tokens: tokens)
                kept.append(Kept(input: document, text: text, aligned: aligned))
            } catch {
                quarantine.reject(document, stage: .align, "\(error)")
            }
        }
        return (kept.reduce(0) { $0 + $1.aligned.count }, kept)
    }

    /// `pack`: the unit's shard, written atomically, and each document's provenance row
    /// (with whether its pieces decode to its text byte for byte).
    private func pack(_ kept: [Kept], unit: WorkUnit) throws -> (items: Int, (ShardRecord?, [DocumentRecord])) {
        guard !kept.isEmpty else { return (0, (nil, [])) }
        let tokens = kept.reduce(0) { $0 + $1.aligned.count }
        let bytes = try writer.serialize(kept.map(\.aligned))
        let file = ShardFormat.fileName(inputIndex: unit.key.input, unitOrdinal: unit.key.ordinal)
        try AtomicFile.write(bytes, to: (shardDirectory as NSString).appendingPathComponent(file))
        let shard = ShardRecord(file: file, input: unit.key.input, ordinal: unit.key.ordinal, documents: kept.count,
                                tokens: tokens, bytes: bytes.count, sha256: Hashing.hex(Hashing.sha256(bytes)))
        var records: [DocumentRecord] = []
        for (position, document) in kept.enumerated() {
            let textBytes = Array(document.text.utf8)
            let decoded = aligner.model.decodeBytes(document.aligned.tokens)
            records.append(DocumentRecord(
                docID: document.input.id, line: document.input.line, byteOffset: document.input.byteOffset,
                sha256: Hashing.hex(Hashing.sha256(textBytes)), position: position,
                tokens: document.aligned.count, lossless: decoded == textBytes))
        }
        return (tokens, (shard, records))
    }
}

/// The timing of each stage of one unit, reported as each finishes.
private struct StageClock {
    let stageDone: ((StageTiming) -> Void)?
    var stages: [StageTiming] = []

    /// Runs one stage, recording its item count and wall time.
    mutating func timed<T>(_ stage: UnitStage, _ body: () throws -> (items: Int, T)) rethrows -> T {
        let start = Date()
        let (items, result) = try body()
        let timing = StageTiming(stage: stage, items: items, seconds: Date().timeIntervalSince(start))
        stages.append(timing)
        stageDone?(timing)
        Failpoint.reached(stage.rawValue)
        return result
    }
}

/// The records of one unit set aside, with the stage that refused them.
private struct UnitQuarantine {
    let unit: WorkUnit
    var records: [QuarantinedRecord] = []

    mutating func reject(_ document: InputDocument, stage: UnitStage, _ reason: String) {
        records.append(QuarantinedRecord(
            path: unit.file.path, line: document.line, byteOffset: document.byteOffset, stage: stage.rawValue,
            reason: reason, excerpt: String(document.content.text.prefix(120))))
    }
}
