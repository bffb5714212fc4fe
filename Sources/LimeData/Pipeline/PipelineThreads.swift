import Foundation
import LimeSupport
import LimeText

extension Pipeline {
    /// Reader thread: streams every input once, cuts it into units and hands out the
    /// pending ones (skipping committed units and, with a partition, other partitions').
    func startReader(_ context: RunContext) {
        let reader = Thread { [config, partition] in
            var failure: Error?
            do {
                let planner = UnitPlanner(maxDocuments: config.unitDocuments, maxBytes: config.unitBytes)
                for file in context.files {
                    let records: RecordReader
                    do {
                        records = try RecordReader(file: file, maxRecordBytes: config.maxRecordBytes)
                    } catch {
                        try context.store.recordInputUnreadable(file, reason: "\(error)")
                        context.counters.addQuarantined(1)
                        continue
                    }
                    var lastRaw: Int64 = 0
                    var stopped = false
                    planner.forEachUnit(of: records) { unit in
                        context.counters.addBytes(records.rawBytesRead - lastRaw)
                        lastRaw = records.rawBytesRead
                        if context.committed.contains(unit.key) {
                            context.counters.addSkipped()
                            return true
                        }
                        if let partition, !partition.contains(unit.key) { return true }
                        if !context.work.push(unit) { stopped = true }
                        return !stopped
                    }
                    if stopped {
                        context.counters.markUnitsLeftUndone()
                        break
                    }
                    context.counters.addBytes(records.rawBytesRead - lastRaw)
                    if let previous = try context.store.recordInputRead(index: file.index, sha256: Hashing.hex(records.sha256)) {
                        throw PipelineError(path: file.path, "content changed since an earlier run (SHA-256 was \(previous))")
                    }
                }
            } catch {
                failure = error
            }
            context.work.close()
            context.events.push(.readerDone(failure))
        }
        reader.stackSize = 8 << 20
        reader.start()
    }

    /// Worker threads, one annotator and aligner each: process units until the queue
    /// closes. `first` (the annotator made for the fingerprint) serves as worker 0's.
    func startWorkers(_ context: RunContext, first: Annotator) {
        var spare: Annotator? = first
        for _ in 0..<context.workers {
            let ready = spare
            spare = nil
            let thread = Thread { [config, makeAnnotator] in
                defer { context.events.push(.workerDone) }
                do {
                    let processor = UnitProcessor(
                        makeAnnotator: { try ready ?? makeAnnotator() },
                        aligner: SubwordAligner(model: context.model, mode: config.mode, cacheCapacity: config.cacheSize),
                        parser: context.parser, writer: context.writer, shardDirectory: context.shardDirectory,
                        batchSize: config.batchSize, annotations: context.annotations)
                    // After a stop request, units still queued are left for the rerun: only
                    // the ones already in progress finish.
                    while let unit = context.work.pop() {
                        if self.isStopping {
                            context.counters.markUnitsLeftUndone()
                            break
                        }
                        let key = unit.key
                        let commit = try processor.process(unit) { timing in
                            if timing.stage != .pack { try? context.store.recordStage(key, timing) }
                        }
                        context.events.push(.committed(commit))
                    }
                } catch {
                    context.events.push(.failed(error))
                    context.work.close()
                }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Committer (the calling thread): one transaction per finished unit, until the
    /// reader and every worker are done. Returns the first error of any part.
    func commitUntilDone(_ context: RunContext, into summary: inout RunSummary) -> Error? {
        var firstError: Error?
        var readerFinished = false
        var workersLeft = context.workers
        var lastProgress = Date.distantPast
        let totalBytes = context.files.reduce(Int64(0)) { $0 + $1.size }
        while workersLeft > 0 || !readerFinished, let event = context.events.pop() {
            switch event {
            case .committed(var unit):
                unit.annotation = Self.annotationRow(of: unit, in: context)
                do {
                    do { try context.store.commit(unit) } catch {
                        throw PipelineError("committing unit \(unit.key.input).\(unit.key.ordinal): \(error)")
                    }
                    summary.unitsProcessed += 1
                    Failpoint.reached("commit")
                    if unit.annotationReused { summary.annotationsReused += 1 }
                    summary.documents += unit.documents.count
                    summary.tokens += unit.shard?.tokens ?? 0
                    summary.quarantined += unit.quarantined.count
                } catch {
                    if firstError == nil { firstError = error }
                    context.work.close()
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
                progress(summary.documents, context.counters.bytes, totalBytes)
            }
        }
        return firstError
    }

    /// The annotation row a unit records with its shard: none in the dataset's own
    /// database (the annotate stage recorded it there already); in a shard set's, the
    /// annotations it was packed from, as reused or made by this run.
    static func annotationRow(of unit: UnitCommit, in context: RunContext) -> StageOutputRecord? {
        guard context.isShardSet, var row = unit.annotation else { return nil }
        row.status = unit.annotationReused ? .reused : .made
        row.file = "../../" + row.file
        return row
    }
}
