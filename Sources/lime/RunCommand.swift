import ArgumentParser
import Foundation
import LimeData
import LimeText

/// `lime run`: the whole pipeline, resumable.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pre-tokenize, annotate, subword-align and pack inputs into shards (resumes an interrupted run).")

    @Option(name: .long, parsing: .upToNextOption, help: "Input files, directories or glob patterns (.jsonl, .jsonl.zst, .txt).")
    var input: [String]
    @Option(name: .long, help: "Output directory (shards/, manifest.json, provenance.sqlite).")
    var output: String
    @Option(name: .long, help: "Pipeline config file (YAML).")
    var config: String?
    @Option(name: .long, help: "Annotator backend: native or spacy.")
    var annotator: String?
    @Option(name: .long, help: "What the annotator reads to label a token: full (the whole document) or causal (only the text up to the token; native annotator).")
    var annotationContext: AnnotationContext?
    @Option(name: .long, help: "Tokenizer: a SentencePiece model or a Hugging Face tokenizer.json (default: lime's English 16k model).")
    var tokenizer: String?
    @Option(name: .long, help: "Tokenization mode: lime (per word) or whole-text.")
    var mode: TokenizationMode?
    @Option(name: .long, help: "Worker threads (default: all cores).")
    var workers: Int?
    @Option(name: .long, help: "Process partition I of N (0-based), e.g. 0/4; merge the outputs with `lime merge`.")
    var partition: Partition?
    @Option(name: .long, help: "JSONL field holding the text.")
    var textField: String?
    @Option(name: .long, help: "Documents per work unit (and shard).")
    var unitDocuments: Int?

    func run() throws {
        var settings = PipelineConfig()
        if let config { try settings.load(yamlFile: config) }
        if let annotator { settings.annotator = annotator }
        if let annotationContext { settings.annotationContext = annotationContext }
        if let tokenizer { settings.tokenizer = tokenizer }
        if let mode { settings.mode = mode }
        if let workers { settings.workers = workers }
        if let textField { settings.textField = textField }
        if let unitDocuments { settings.unitDocuments = unitDocuments }
        let maker = try AnnotatorFactory.maker(name: settings.annotator, config: settings)
        let pipeline = Pipeline(inputs: input, directory: output, config: settings, partition: partition, makeAnnotator: maker)
        pipeline.command = CommandLine.arguments.joined(separator: " ")
        let origin = settings.tokenizer == nil ? "default, " : ""
        pipeline.tokenizerUsed = { model in
            print("lime run: tokenizer \(model.path) (\(origin)\(model.kind), \(model.vocabSize) pieces, SHA-256 \(model.sha256.prefix(12)))")
        }
        let meter = ProgressLine()
        if meter.enabled {
            pipeline.progress = { documents, bytes, total in meter.update(documents: documents, bytes: bytes, total: total) }
        }
        // SIGINT / SIGTERM: finish and commit the units in progress, then stop (kill -9 also
        // leaves a resumable directory, only with those units to redo).
        let signals = [SIGINT, SIGTERM].map { number -> DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                FileHandle.standardError.write(Data("\nlime run: signal \(number): finishing the units in progress, then stopping\n".utf8))
                pipeline.requestStop()
            }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        let summary: RunSummary
        do {
            summary = try pipeline.run()
        } catch let interrupted as PipelineInterrupted {
            meter.finish()
            FileHandle.standardError.write(Data("lime run: \(interrupted)\n".utf8))
            throw ExitCode(130)
        }
        meter.finish()
        let mb = Double(summary.bytesRead) / 1e6
        print("""
        lime run: \(summary.unitsProcessed) units processed, \(summary.unitsSkipped) already done; \(summary.annotationsReused) packed from kept annotations
          documents: \(summary.documents) kept this run (\(summary.manifest?.documents ?? summary.documents) in the dataset)
          tokens:    \(summary.tokens) this run (\(summary.manifest?.tokens ?? summary.tokens) in the dataset)
          quarantined: \(summary.quarantined) this run, \(summary.quarantinedTotal) in all (see `lime status \(output) --quarantine`)
          input: \(String(format: "%.1f", mb)) MB in \(String(format: "%.1f", summary.seconds)) s (\(String(format: "%.2f", mb / max(summary.seconds, 1e-9))) MB/s)
          shards: \(summary.directory)/shards (\(summary.manifest?.shards.count ?? 0) files), manifest: \(summary.directory)/manifest.json
        """)
        if summary.directory != output {
            print("  (\(output) was made with another tokenizer or annotator: this run wrote the shard set \(summary.directory); train on it with `lime train --data \(summary.directory)`)")
        }
        if summary.quarantinedTotal > 0 { throw ExitCode(3) }
    }
}

/// A one-line progress display on stderr, shown only on a terminal.
final class ProgressLine {
    let enabled = isatty(STDERR_FILENO) != 0
    private let started = Date()

    func update(documents: Int, bytes: Int64, total: Int64) {
        let seconds = Date().timeIntervalSince(started)
        let rate = Double(bytes) / max(seconds, 1e-3)
        var line = "lime: \(documents) documents, \(String(format: "%.2f", rate / 1e6)) MB/s"
        if total > 0 {
            let done = Double(bytes) / Double(total)
            line += String(format: ", %.0f%%", done * 100)
            if rate > 0 && bytes < total {
                let eta = Int(Double(total - bytes) / rate)
                line += ", ETA \(eta / 60)m\(String(format: "%02d", eta % 60))s"
            }
        }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
