import Foundation
import LimeSupport
import LimeText

/// Runs the stages on one work unit: parse (read) -> pre-tokenize + annotate ->
/// subword-align -> pack, and returns what the unit commits. One instance per worker
/// thread (it owns an annotator and an aligner with its word cache).
public final class UnitProcessor {
    public let annotator: Annotator
    public let aligner: SubwordAligner
    public let parser: DocumentParser
    public let writer: ShardWriter
    public let shardDirectory: String
    public let batchSize: Int

    public init(annotator: Annotator, aligner: SubwordAligner, parser: DocumentParser, writer: ShardWriter,
                shardDirectory: String, batchSize: Int) {
        self.annotator = annotator
        self.aligner = aligner
        self.parser = parser
        self.writer = writer
        self.shardDirectory = shardDirectory
        self.batchSize = max(1, batchSize)
    }

    /// A document that made it through every stage.
    struct Kept {
        var input: InputDocument
        var text: String
        var aligned: AlignedDocument
    }

    public func process(_ unit: WorkUnit, stageDone: ((StageTiming) -> Void)? = nil) throws -> UnitCommit {
        var stages: [StageTiming] = []
        func finish(_ stage: String, _ items: Int, since start: Date) {
            let timing = StageTiming(stage: stage, items: items, seconds: Date().timeIntervalSince(start))
            stages.append(timing)
            stageDone?(timing)
        }
        var quarantined: [QuarantinedRecord] = []
        func reject(_ document: InputDocument, stage: String, _ reason: String) {
            quarantined.append(QuarantinedRecord(
                path: unit.file.path, line: document.line, byteOffset: document.byteOffset, stage: stage,
                reason: reason, excerpt: String(document.content.text.prefix(120))))
        }

        var start = Date()
        var documents: [InputDocument] = []
        for record in unit.records {
            switch parser.parse(record, file: unit.file) {
            case .success(let document): documents.append(document)
            case .failure(let record): quarantined.append(record)
            }
        }
        finish("read", unit.records.count, since: start)

        start = Date()
        var annotated: [(InputDocument, [AnnotatedToken])] = []
        annotated.reserveCapacity(documents.count)
        var batchStart = 0
        while batchStart < documents.count {
            let batch = Array(documents[batchStart..<min(batchStart + batchSize, documents.count)])
            let results = try annotator.annotate(batch.map(\.content))
            for (document, result) in zip(batch, results) {
                switch result {
                case .success(let tokens): annotated.append((document, tokens))
                case .failure(let failure): reject(document, stage: "annotate", failure.reason)
                }
            }
            batchStart += batchSize
        }
        finish("annotate", annotated.count, since: start)

        start = Date()
        var kept: [Kept] = []
        kept.reserveCapacity(annotated.count)
        for (document, tokens) in annotated {
            let text = document.content.text
            do {
                let aligned = try aligner.align(id: document.id, text: text, tokens: tokens)
                kept.append(Kept(input: document, text: text, aligned: aligned))
            } catch {
                reject(document, stage: "align", "\(error)")
            }
        }
        let tokens = kept.reduce(0) { $0 + $1.aligned.count }
        finish("align", tokens, since: start)

        start = Date()
        var shard: ShardRecord?
        var records: [DocumentRecord] = []
        if !kept.isEmpty {
            let bytes = try writer.serialize(kept.map(\.aligned))
            let file = ShardFormat.fileName(inputIndex: unit.key.input, unitOrdinal: unit.key.ordinal)
            try AtomicFile.write(bytes, to: (shardDirectory as NSString).appendingPathComponent(file))
            shard = ShardRecord(file: file, input: unit.key.input, ordinal: unit.key.ordinal, documents: kept.count,
                                tokens: tokens, bytes: bytes.count, sha256: Hashing.hex(Hashing.sha256(bytes)))
            for (position, document) in kept.enumerated() {
                let textBytes = Array(document.text.utf8)
                let decoded = aligner.model.decodeBytes(document.aligned.tokens)
                records.append(DocumentRecord(
                    docID: document.input.id, line: document.input.line, byteOffset: document.input.byteOffset,
                    sha256: Hashing.hex(Hashing.sha256(textBytes)), position: position,
                    tokens: document.aligned.count, lossless: decoded == textBytes))
            }
        }
        finish("pack", shard?.tokens ?? 0, since: start)

        return UnitCommit(key: unit.key, firstLine: unit.firstLine, lineCount: unit.records.count,
                          byteOffset: unit.byteOffset, byteLength: unit.byteLength, shard: shard,
                          documents: records, quarantined: quarantined.sorted { ($0.line, $0.stage) < ($1.line, $1.stage) },
                          stages: stages)
    }
}
