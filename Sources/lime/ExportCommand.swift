import ArgumentParser
import Foundation
import LimeData

/// `lime export DIR`: the dataset as JSONL, one document per line, in shard order.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a dataset as JSONL: id, text, pieces, token_ids, tag, ner.")

    @Argument(help: "Output directory of `lime run`.")
    var directory: String
    @Option(name: .long, help: "Output file (default: standard output).")
    var output: String?
    @Option(name: .long, help: "Tokenizer model (default: the one recorded in provenance).")
    var tokenizer: String?
    @Option(name: .long, help: "What to export: pack (the shards, default) or annotate (the kept annotations, as `lime annotate` JSONL with text).")
    var stage: ExportStage = .pack

    enum ExportStage: String, ExpressibleByArgument, CaseIterable {
        case pack, annotate
    }

    func run() throws {
        if stage == .annotate {
            try write { try AnnotationExport.export(directory: directory, to: $0) }
            return
        }
        let model = try TokenizerLoader.load(path: try tokenizer ?? DatasetExport.tokenizerPath(directory: directory))
        try write { try DatasetExport.export(directory: directory, model: model, to: $0) }
    }

    /// Runs `body` on the output file (written atomically) or standard output.
    private func write(_ body: (FileHandle) throws -> Int) throws {
        if let output {
            let temporary = output + ".tmp"
            _ = FileManager.default.createFile(atPath: temporary, contents: nil)
            guard let handle = FileHandle(forWritingAtPath: temporary) else { throw ValidationError("\(output): cannot write") }
            let count = try body(handle)
            try handle.synchronize()
            try handle.close()
            try? FileManager.default.removeItem(atPath: output)
            try FileManager.default.moveItem(atPath: temporary, toPath: output)
            FileHandle.standardError.write(Data("exported \(count) documents to \(output)\n".utf8))
        } else {
            _ = try body(FileHandle.standardOutput)
        }
    }
}
