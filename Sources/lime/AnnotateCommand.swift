import ArgumentParser
import Foundation
import LimeData
import LimeText

/// `lime annotate`: linguistic tokens with tags and entities, as JSONL.
struct Annotate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Annotate documents: tokens with UTF-8 byte offsets, PTB tag, UPOS and IOB2 entity.")

    @Option(name: .long, help: "Input file (.jsonl with \"text\" or \"tokens\", .txt, optionally .zst).")
    var input: String
    @Option(name: .long, help: "Output JSONL file.")
    var output: String
    @Option(name: .long, help: "Annotator backend: native or spacy.")
    var annotator = "native"
    @Option(name: .long, help: "What the annotator reads to label a token: full (the whole document) or causal (only the text up to the token; native annotator).")
    var annotationContext: AnnotationContext = .full
    @Option(name: .long, help: "JSONL field holding the text.")
    var textField = "text"
    @Flag(name: .long, help: "Also write each document's text, so that `lime run` reads the output back losslessly.")
    var includeText = false

    func run() throws {
        var settings = PipelineConfig()
        settings.annotator = annotator
        settings.annotationContext = annotationContext
        let backend = try AnnotatorFactory.maker(name: annotator, config: settings)()
        var job = AnnotateJob(input: input, output: output)
        job.textField = textField
        job.includeText = includeText
        let summary = try job.run(annotator: backend)
        for record in summary.quarantined {
            FileHandle.standardError.write(Data("quarantined \(record.path):\(record.line): \(record.reason)\n".utf8))
        }
        let rate = Double(summary.tokens) / max(summary.seconds, 1e-9)
        print("lime annotate: \(summary.documents) documents, \(summary.tokens) tokens in \(String(format: "%.2f", summary.seconds)) s (\(String(format: "%.0f", rate)) tokens/s), \(summary.quarantined.count) quarantined -> \(output)")
        if !summary.quarantined.isEmpty { throw ExitCode(3) }
    }
}
