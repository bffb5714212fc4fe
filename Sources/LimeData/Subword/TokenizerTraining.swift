import Foundation

/// Trains a tokenizer from lime inputs (JSONL, text, zstd-compressed or not).
public enum TokenizerTraining {
    /// Streams the documents of `inputs` into a temporary one-sentence-per-line file
    /// (documents are split at newlines), trains, and writes the model to `output`.
    /// Returns the model's SHA-256 and the number of documents used.
    public static func train(inputs: [String], textField: String, trainer: TokenizerTrainer,
                             output: String) throws -> (sha256: String, documents: Int) {
        let files = try InputDiscovery.expand(inputs)
        let parser = DocumentParser(textField: textField)
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("lime-spm-input-\(getpid())-\(UUID().uuidString).txt").path
        _ = FileManager.default.createFile(atPath: temporary, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        guard let handle = FileHandle(forWritingAtPath: temporary) else {
            throw PipelineError(path: temporary, "cannot write")
        }
        var documents = 0
        var buffer = Data()
        for file in files {
            let reader = try RecordReader(file: file)
            while let record = reader.next() {
                guard case .success(let document) = parser.parse(record, file: file) else { continue }
                documents += 1
                for line in document.content.text.split(separator: "\n", omittingEmptySubsequences: true) {
                    buffer.append(contentsOf: line.utf8)
                    buffer.append(0x0A)
                }
                if buffer.count > 1 << 20 {
                    try handle.write(contentsOf: buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
        }
        try handle.write(contentsOf: buffer)
        try handle.close()
        guard documents > 0 else { throw PipelineError("no documents to train a tokenizer on in \(inputs.joined(separator: ", "))") }
        let sha = try trainer.train(textFile: temporary, output: output)
        return (sha, documents)
    }
}
