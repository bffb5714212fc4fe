import ArgumentParser
import Foundation
import LimeData
import LimeSupport

/// `lime view DIR`: a self-contained HTML page of a sample of annotated documents.
struct View: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write an HTML page showing a sample of a dataset's documents with their tags and entities.")

    @Argument(help: "A `lime run` output directory.")
    var directory: String
    @Option(name: .long, help: "Page to write (default: DIR/view.html).")
    var output: String?
    @Option(name: .long, help: "How many documents to show.")
    var documents = 20
    @Option(name: .long, help: "Pieces shown per document at most.")
    var maxPieces = 600
    @Option(name: .long, help: "Tokenizer model (default: the one recorded in the dataset's provenance).")
    var tokenizer: String?

    func run() throws {
        guard documents > 0, maxPieces > 0 else { throw ValidationError("--documents and --max-pieces must be positive") }
        let model = try TokenizerLoader.load(path: try tokenizer ?? DatasetExport.tokenizerPath(directory: directory))
        let sample = try DatasetSample.load(directory: directory, tokenizer: model, documents: documents, maxPieces: maxPieces)
        let path = output ?? (directory as NSString).appendingPathComponent("view.html")
        try AtomicFile.write(try DatasetPage.html(sample), to: path)
        let spans = sample.documents.reduce(0) { $0 + $1.entitiesShown }
        print("lime view: \(sample.documents.count) documents (\(spans) entities) of \(sample.counts.documents) -> \(path)")
    }
}
