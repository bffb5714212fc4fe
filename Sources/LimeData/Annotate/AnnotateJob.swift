import Foundation
import LimeSupport
import LimeText

/// `lime annotate`: annotates documents and writes, per document,
/// `{"id", "tokens": [{"text", "start", "end", "tag", "pos", "ent"}]}` with UTF-8 byte
/// offsets. Bad records are quarantined (reported, counted), never silently dropped.
public struct AnnotateJob {
    public var input: String
    public var output: String
    public var textField = "text"
    public var idField = "id"
    public var batchSize = 64
    /// Also write each document's `text` (so `lime run` can read the output back losslessly).
    public var includeText = false

    public init(input: String, output: String) {
        self.input = input
        self.output = output
    }

    public struct Summary: Sendable {
        public var documents = 0
        public var tokens = 0
        public var quarantined: [QuarantinedRecord] = []
        public var seconds = 0.0
    }

    public func run(annotator: Annotator) throws -> Summary {
        let started = Date()
        let files = try InputDiscovery.expand([input])
        let parser = DocumentParser(textField: textField, idField: idField, allowTokens: true)
        let temporary = output + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary) else {
            throw PipelineError("\(output): cannot write")
        }
        var summary = Summary()
        var pending: [InputDocument] = []
        var buffer = Data()
        func flush(file: InputFile) throws {
            guard !pending.isEmpty else { return }
            let results = try annotator.annotate(pending.map(\.content))
            for (document, result) in zip(pending, results) {
                switch result {
                case .success(let tokens):
                    guard let line = Self.line(id: document.id, text: document.content.text, tokens: tokens, includeText: includeText) else {
                        summary.quarantined.append(QuarantinedRecord(
                            path: file.path, line: document.line, byteOffset: document.byteOffset, stage: UnitStage.annotate.rawValue,
                            reason: "annotator returned token offsets outside the text", excerpt: String(document.content.text.prefix(120))))
                        continue
                    }
                    summary.documents += 1
                    summary.tokens += tokens.count
                    buffer.append(contentsOf: line.utf8)
                case .failure(let failure):
                    summary.quarantined.append(QuarantinedRecord(
                        path: file.path, line: document.line, byteOffset: document.byteOffset, stage: UnitStage.annotate.rawValue,
                        reason: failure.reason, excerpt: String(document.content.text.prefix(120))))
                }
            }
            pending.removeAll()
            if buffer.count > 1 << 20 {
                try handle.write(contentsOf: buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        do {
            for file in files {
                let reader = try RecordReader(file: file)
                while let record = reader.next() {
                    switch parser.parse(record, file: file) {
                    case .success(let document):
                        pending.append(document)
                        if pending.count >= batchSize { try flush(file: file) }
                    case .failure(let record):
                        summary.quarantined.append(record)
                    }
                }
                try flush(file: file)
            }
            try handle.write(contentsOf: buffer)
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        guard rename(temporary, output) == 0 else {
            throw PipelineError("\(output): rename failed: \(String(cString: strerror(errno)))")
        }
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    /// One output line for a document; nil if a token's offsets fall outside the text.
    /// With `includeText`, the line also holds the document's `text` (then `lime run`
    /// reads it back losslessly).
    public static func line(id: String, text: String, tokens: [AnnotatedToken], includeText: Bool = false) -> String? {
        let utf8 = Array(text.utf8)
        var parts: [String] = []
        parts.reserveCapacity(tokens.count)
        for token in tokens {
            guard token.start >= 0, token.start <= token.end, Int(token.end) <= utf8.count else { return nil }
            let surface = String(decoding: utf8[Int(token.start)..<Int(token.end)], as: UTF8.self)
            parts.append("{\"text\":\(JSONText.quote(surface)),\"start\":\(token.start),\"end\":\(token.end),"
                + "\"tag\":\(JSONText.quote(TagSets.tag.label(token.tag))),\"pos\":\(JSONText.quote(TagSets.pos.label(token.pos))),"
                + "\"ent\":\(JSONText.quote(TagSets.ner.label(token.ner)))}")
        }
        let textField = includeText ? ",\"text\":\(JSONText.quote(text))" : ""
        return "{\"id\":\(JSONText.quote(id))\(textField),\"tokens\":[\(parts.joined(separator: ","))]}\n"
    }
}
