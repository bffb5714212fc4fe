import Foundation
import LimeSupport

/// Bad training or evaluation input, naming the file and line.
public struct CorpusError: LocatedError {
    public let path: String?, line: Int?, reason: String
    public init(path: String?, line: Int?, reason: String) { (self.path, self.line, self.reason) = (path, line, reason) }
}

extension CorpusError {
    /// An error at `line` of `path` (0: the file as a whole).
    init(_ path: String, _ line: Int, _ why: String) { self.init(path: path, line: line == 0 ? nil : line, reason: why) }
}

/// Reads tagged documents from CoNLL-U (gold words, XPOS = PTB tag, UPOS) and from the
/// annotated JSONL that `lime annotate` writes. Files ending in `.zst` are decompressed.
public enum CorpusReader {
    /// Reads `path` by its extension: `.conllu[.zst]` or `.jsonl[.zst]`.
    public static func read(path: String) throws -> [TaggedDocument] {
        let plain = path.hasSuffix(".zst") ? String(path.dropLast(4)) : path
        if plain.hasSuffix(".conllu") { return try readCoNLLU(path: path) }
        if plain.hasSuffix(".jsonl") { return try readJSONL(path: path) }
        throw CorpusError(path, 0, "unknown format: expected .conllu or .jsonl (optionally .zst)")
    }

    static func contents(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw FileError(path: path, "cannot read") }
        if path.hasSuffix(".zst") {
            do { return try Zstd.decompress(data) } catch { throw CorpusError(path, 0, "zstd: \(error)") }
        }
        return [UInt8](data)
    }

    /// One document per sentence: words joined as the text was (`SpaceAfter=No` kept),
    /// multiword-token ranges spelled by their words, empty nodes skipped.
    public static func readCoNLLU(path: String) throws -> [TaggedDocument] {
        let bytes = try contents(path)
        var documents: [TaggedDocument] = []
        var text: [UInt8] = [], starts: [Int32] = [], ends: [Int32] = [], tags: [UInt8] = [], pos: [UInt8] = []
        var sentenceLine = 0, rangeEnd = 0, rangeSpace = true
        var lineNumber = 0
        func flush() {
            if !starts.isEmpty {
                while text.last == 32 { text.removeLast() }
                documents.append(TaggedDocument(source: "\(path):\(sentenceLine)", text: text, starts: starts,
                                                ends: ends, tags: tags, pos: pos, ner: nil))
            }
            text = []; starts = []; ends = []; tags = []; pos = []; rangeEnd = 0
        }
        for rawLine in bytes.split(separator: 10, omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.last == 13 ? rawLine.dropLast() : rawLine
            if line.isEmpty { flush(); continue }
            if line.first == 35 { continue }  // '#'
            let columns = line.split(separator: 9, omittingEmptySubsequences: false)
            guard columns.count == 10 else {
                throw CorpusError(path, lineNumber, "expected 10 tab-separated columns, found \(columns.count)")
            }
            if starts.isEmpty { sentenceLine = lineNumber }
            let id = String(decoding: columns[0], as: UTF8.self)
            let noSpace = String(decoding: columns[9], as: UTF8.self).contains("SpaceAfter=No")
            if id.contains(".") { continue }
            if let dash = id.firstIndex(of: "-") {
                guard let end = Int(id[id.index(after: dash)...]) else { throw CorpusError(path, lineNumber, "bad range id \(id)") }
                rangeEnd = end
                rangeSpace = !noSpace
                continue
            }
            guard let n = Int(id) else { throw CorpusError(path, lineNumber, "bad token id \(id)") }
            let form = columns[1]
            guard !form.isEmpty else { throw CorpusError(path, lineNumber, "empty word form") }
            starts.append(Int32(text.count))
            text.append(contentsOf: form)
            ends.append(Int32(text.count))
            tags.append(TagSets.tag.id(String(decoding: columns[4], as: UTF8.self)))
            pos.append(TagSets.pos.id(String(decoding: columns[3], as: UTF8.self)))
            let space = n < rangeEnd ? false : (n == rangeEnd ? rangeSpace : !noSpace)
            if space { text.append(32) }
        }
        flush()
        return documents
    }

    struct JSONToken: Decodable {
        var text: String?
        var start: Int32
        var end: Int32
        var tag: String?
        var pos: String?
        var ent: String?
    }

    struct JSONDocument: Decodable {
        var id: String?
        var text: String?
        var tokens: [JSONToken]?
    }

    /// Annotated JSONL: `{"id", "text", "tokens": [{"text", "start", "end", "tag", "pos",
    /// "ent"}]}` with UTF-8 byte offsets into `text`. Label arrays are present when every
    /// token has that label.
    public static func readJSONL(path: String) throws -> [TaggedDocument] {
        let bytes = try contents(path)
        let decoder = JSONDecoder()
        var documents: [TaggedDocument] = []
        var lineNumber = 0
        for line in bytes.split(separator: 10, omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == 32 || $0 == 13 || $0 == 9 }) { continue }
            let doc: JSONDocument
            do { doc = try decoder.decode(JSONDocument.self, from: Data(line)) } catch {
                throw CorpusError(path, lineNumber, "invalid JSON document: \(error)")
            }
            guard let tokens = doc.tokens else { throw CorpusError(path, lineNumber, "no \"tokens\" array") }
            let text: [UInt8]
            if let t = doc.text {
                text = Array(t.utf8)
            } else {
                // No text: rebuild it from the token texts at their offsets.
                var rebuilt = [UInt8](repeating: 32, count: Int(tokens.last?.end ?? 0))
                for token in tokens {
                    guard let t = token.text, t.utf8.count == Int(token.end - token.start), token.start >= 0 else {
                        throw CorpusError(path, lineNumber, "token without text or with inconsistent offsets")
                    }
                    rebuilt.replaceSubrange(Int(token.start)..<Int(token.end), with: Array(t.utf8))
                }
                text = rebuilt
            }
            for (k, token) in tokens.enumerated() {
                guard token.start >= 0, token.start <= token.end, Int(token.end) <= text.count else {
                    throw CorpusError(path, lineNumber, "token \(k) span \(token.start)..<\(token.end) outside the text (\(text.count) bytes)")
                }
            }
            func labels(_ key: KeyPath<JSONToken, String?>, _ set: TagSet) -> [UInt8]? {
                var out: [UInt8] = []
                for token in tokens {
                    guard let label = token[keyPath: key] else { return nil }
                    out.append(set.id(label))
                }
                return out
            }
            documents.append(TaggedDocument(
                source: "\(path):\(lineNumber)", text: text, starts: tokens.map(\.start), ends: tokens.map(\.end),
                tags: labels(\.tag, TagSets.tag), pos: labels(\.pos, TagSets.pos), ner: labels(\.ent, TagSets.ner)))
        }
        return documents
    }
}
