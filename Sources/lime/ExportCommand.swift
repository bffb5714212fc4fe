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

    func run() throws {
        let model = try TokenizerLoader.load(path: try tokenizer ?? DatasetExport.tokenizerPath(directory: directory))
        if let output {
            let temporary = output + ".tmp"
            _ = FileManager.default.createFile(atPath: temporary, contents: nil)
            guard let handle = FileHandle(forWritingAtPath: temporary) else { throw ValidationError("\(output): cannot write") }
            let count = try DatasetExport.export(directory: directory, model: model, to: handle)
            try handle.synchronize()
            try handle.close()
            try? FileManager.default.removeItem(atPath: output)
            try FileManager.default.moveItem(atPath: temporary, toPath: output)
            FileHandle.standardError.write(Data("exported \(count) documents to \(output)\n".utf8))
        } else {
            _ = try DatasetExport.export(directory: directory, model: model, to: FileHandle.standardOutput)
        }
    }
}
