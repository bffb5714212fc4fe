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
            throw PipelineError(path: output, "cannot write")
        }
        var summary = Summary()
        var pending: [InputDocument] = []
        var buffer: [UInt8] = []
        func flush(file: InputFile) throws {
            guard !pending.isEmpty else { return }
            let results = try annotator.annotate(pending.map(\.content))
            for (document, result) in zip(pending, results) {
                switch result {
                case .success(let tokens):
                    guard Self.appendLine(to: &buffer, id: document.id, text: document.content.text, tokens: tokens,
                                          includeText: includeText) else {
                        summary.quarantined.append(QuarantinedRecord(
                            path: file.path, line: document.line, byteOffset: document.byteOffset, stage: UnitStage.annotate.rawValue,
                            reason: "annotator returned token offsets outside the text", excerpt: String(document.content.text.prefix(120))))
                        continue
                    }
                    summary.documents += 1
                    summary.tokens += tokens.count
                case .failure(let failure):
                    summary.quarantined.append(QuarantinedRecord(
                        path: file.path, line: document.line, byteOffset: document.byteOffset, stage: UnitStage.annotate.rawValue,
                        reason: failure.reason, excerpt: String(document.content.text.prefix(120))))
                }
            }
            pending.removeAll()
            if buffer.count > 1 << 20 {
                try handle.write(contentsOf: Data(buffer))
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
            try handle.write(contentsOf: Data(buffer))
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        guard rename(temporary, output) == 0 else {
            throw PipelineError(path: output, "rename failed: \(String(cString: strerror(errno)))")
        }
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    /// One output line for a document; nil if a token's offsets fall outside the text.
    /// With `includeText`, the line also holds the document's `text` (then `lime run`
    /// reads it back losslessly).
    public static func line(id: String, text: String, tokens: [AnnotatedToken], includeText: Bool = false) -> String? {
        var out: [UInt8] = []
        guard appendLine(to: &out, id: id, text: text, tokens: tokens, includeText: includeText) else { return nil }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `line(...)`'s bytes to `out`, written as bytes (no String per field); false,
    /// with `out` unchanged, if a token's offsets fall outside the text.
    public static func appendLine(to out: inout [UInt8], id: String, text: String, tokens: [AnnotatedToken],
                                  includeText: Bool = false) -> Bool {
        let utf8 = Array(text.utf8)
        guard tokens.allSatisfy({ $0.start >= 0 && $0.start <= $0.end && Int($0.end) <= utf8.count }) else { return false }
        out.reserveCapacity(out.count + utf8.count * 2 + tokens.count * 72 + 64)
        out.append(contentsOf: #"{"id":"#.utf8)
        JSONText.appendQuoted(id.utf8, to: &out)
        if includeText {
            out.append(contentsOf: #","text":"#.utf8)
            JSONText.appendQuoted(utf8, to: &out)
        }
        out.append(contentsOf: #","tokens":["#.utf8)
        for (index, token) in tokens.enumerated() {
            if index > 0 { out.append(0x2C) }
            out.append(contentsOf: Keys.tokenText)
            JSONText.appendQuoted(utf8[Int(token.start)..<Int(token.end)], to: &out)
            out.append(contentsOf: Keys.start)
            JSONText.appendInteger(token.start, to: &out)
            out.append(contentsOf: Keys.end)
            JSONText.appendInteger(token.end, to: &out)
            out.append(contentsOf: Keys.tag)
            out.append(contentsOf: QuotedLabels.tag[Int(token.tag)])
            out.append(contentsOf: Keys.pos)
            out.append(contentsOf: QuotedLabels.pos[Int(token.pos)])
            out.append(contentsOf: Keys.ent)
            out.append(contentsOf: QuotedLabels.ner[Int(token.ner)])
            out.append(0x7D)
        }
        out.append(contentsOf: "]}\n".utf8)
        return true
    }
}

/// The keys of a token object, as bytes (appended without going through a String).
private enum Keys {
    static let tokenText = Array(#"{"text":"#.utf8)
    static let start = Array(#","start":"#.utf8)
    static let end = Array(#","end":"#.utf8)
    static let tag = Array(#","tag":"#.utf8)
    static let pos = Array(#","pos":"#.utf8)
    static let ent = Array(#","ent":"#.utf8)
}

/// Every label id of each tag set, as its quoted JSON string.
private enum QuotedLabels {
    static let tag = table(TagSets.tag)
    static let pos = table(TagSets.pos)
    static let ner = table(TagSets.ner)

    private static func table(_ set: TagSet) -> [[UInt8]] {
        (0...255).map { Array(JSONText.quote(set.label(UInt8($0))).utf8) }
    }
}
