import Foundation
import LimeSupport

/// A Hugging Face `tokenizer.json` byte-level BPE tokenizer (GPT-2, Llama 3, Qwen 2 style),
/// implemented natively with the surface of `SentencePieceModel`. Encoding equals
/// `tokenizers`' `encode(text, add_special_tokens=False)`: added tokens are matched in the
/// raw text, the rest is NFC-normalized if the file says so, pre-tokenized and merged.
/// The post-processor (no BOS/EOS is added), decoder, truncation and padding settings are
/// not used. With NFC, all added tokens are matched in the raw text (`tokenizers` matches
/// `normalized` ones after NFC: the same unless the text around them is not NFC).
/// Encoding is thread-safe: each call borrows a word cache and scratch space from a pool.
public final class HFTokenizer: SubwordTokenizer, @unchecked Sendable {
    /// The file's path and SHA-256 (hex), which identifies it in shards and provenance.
    public let path: String
    public let sha256: String
    public let sha256Bytes: [UInt8]
    /// One more than the largest id (model vocabulary and added tokens).
    public let vocabSize: Int
    /// Token strings as stored in the file (byte-level alphabet; "" for unused ids).
    public let pieces: [String]
    /// The raw bytes each id decodes to (added tokens: their content's UTF-8).
    public let pieceBytes: [[UInt8]]
    /// The end-of-text special token, if the file has one.
    public let endOfTextID: Int32?

    private let model: BPEModel
    private let added: AddedTokenMatcher
    private let patterns: [PreTokenizerPattern]
    private let addPrefixSpace: Bool
    private let nfc: Bool
    private let pool = WorkspacePool()

    /// Content detection: a JSON object with a "model" key, whatever the file name.
    public static func isTokenizerJSON(path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path) else { return false }
        return HFTokenizerFile.looksLikeTokenizerJSON(data)
    }

    public convenience init(path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw HFTokenizerError(path: path, "cannot read tokenizer.json: \(error.localizedDescription)")
        }
        try self.init(data: data, path: path)
    }

    /// Loads a tokenizer from the bytes of a `tokenizer.json`; `path` names it in errors.
    public init(data: Data, path: String) throws {
        let file = try HFTokenizerFile(data: data, path: path)
        self.path = path
        sha256Bytes = Hashing.sha256(data)
        sha256 = Hashing.hex(sha256Bytes)
        patterns = file.patterns
        addPrefixSpace = file.addPrefixSpace
        nfc = file.nfc

        let size = Int(max(file.vocab.last?.id ?? -1, file.addedTokens.map(\.id).max() ?? -1)) + 1
        var pieces = [String](repeating: "", count: size)
        var bytes = [[UInt8]](repeating: [], count: size)
        var ids: [String: Int32] = [:]
        ids.reserveCapacity(file.vocab.count)
        for (token, id) in file.vocab {
            pieces[Int(id)] = token
            bytes[Int(id)] = ByteLevel.bytes(of: token)
            ids[token] = id
        }
        for token in file.addedTokens {
            pieces[Int(token.id)] = token.content
            bytes[Int(token.id)] = Array(token.content.utf8)
        }
        vocabSize = size
        self.pieces = pieces
        pieceBytes = bytes

        let byteIds = ByteLevel.byteToScalar.map { ids[String($0)] ?? -1 }
        var merges: [(left: Int32, right: Int32, merged: Int32)] = []
        merges.reserveCapacity(file.merges.count)
        for (rank, (left, right)) in file.merges.enumerated() {
            guard let l = ids[left], let r = ids[right] else {
                throw HFTokenizerError(path: path, "BPE merge \(rank) uses a token missing from the vocabulary: \(left) \(right)")
            }
            guard let m = ids[left + right] else {
                throw HFTokenizerError(path: path, "BPE merge \(rank) makes a token missing from the vocabulary: \(left + right)")
            }
            merges.append((l, r, m))
        }
        var wholeWords: ByteStringTable?
        if file.ignoreMerges {
            var table = ByteStringTable(capacity: file.vocab.count)
            for (token, id) in file.vocab {
                let raw = ByteLevel.bytes(of: token)
                raw.withUnsafeBufferPointer { key in
                    let h = ByteStringTable.hash(key)
                    if table.lookup(key, hash: h) == nil { table.insert(key, hash: h, values: [id]) }
                }
            }
            wholeWords = table
        }
        model = BPEModel(byteIds: byteIds, merges: merges, wholeWords: wholeWords,
                         unkID: file.unkToken.flatMap { ids[$0] }, fuseUnk: file.fuseUnk)
        added = AddedTokenMatcher(file.addedTokens)
        let specials = Dictionary(file.addedTokens.filter(\.special).map { ($0.content, $0.id) }, uniquingKeysWith: { a, _ in a })
        endOfTextID = ["<|endoftext|>", "<|end_of_text|>", "</s>", "<eos>"].lazy.compactMap { specials[$0] }.first
    }

    /// Encodes UTF-8 bytes into token ids, appending them to `ids`.
    public func encode(_ bytes: UnsafeRawBufferPointer, into ids: inout [Int32]) throws {
        try run(bytes) { id, _, _ in ids.append(id) }
    }

    /// Encodes UTF-8 bytes and reports the byte span of the input each token covers (a token
    /// may cover part of a character; an inserted prefix space covers nothing).
    public func encodeWithSpans(_ bytes: UnsafeRawBufferPointer) throws -> [(id: Int32, begin: Int, end: Int)] {
        var out: [(id: Int32, begin: Int, end: Int)] = []
        try run(bytes) { id, begin, end in out.append((id, begin, end)) }
        return out
    }

    public var kind: String { "huggingface-bpe" }
    /// `<|endoftext|>` or the like, if the file declares one.
    public var documentSeparatorID: Int32? { endOfTextID }

    // MARK: Encoding

    private func run(_ raw: UnsafeRawBufferPointer, _ emit: (Int32, Int, Int) -> Void) throws {
        let text = raw.bindMemory(to: UInt8.self)
        guard Self.isValidUTF8(text) else {
            throw HFTokenizerError(path: path, "cannot encode \(text.count) bytes: not valid UTF-8")
        }
        let workspace = pool.take()
        defer { pool.give(workspace) }
        var segmentStart = 0
        for match in added.matches(in: text) {
            if match.begin > segmentStart { encodeSegment(text, segmentStart..<match.begin, workspace, emit) }
            emit(match.id, match.begin, match.end)
            segmentStart = match.end
        }
        if text.count > segmentStart { encodeSegment(text, segmentStart..<text.count, workspace, emit) }
    }

    /// Encodes text between added tokens: normalize, add the prefix space, split, merge.
    private func encodeSegment(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ w: Workspace, _ emit: (Int32, Int, Int) -> Void) {
        let mapped = w.prepare(text, range, nfc: nfc, addPrefixSpace: addPrefixSpace)
        if mapped {
            w.buffer.withUnsafeBufferPointer { encodeWords($0, 0..<$0.count, w) { id, b, e in emit(id, w.begins[b], w.endsMap[e - 1]) } }
        } else {
            encodeWords(text, range, w) { id, b, e in emit(id, b, e) }
        }
    }

    private func encodeWords(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ w: Workspace, _ emit: (Int32, Int, Int) -> Void) {
        w.ends.removeAll(keepingCapacity: true)
        w.ends.append(range.upperBound)
        for pattern in patterns {
            swap(&w.ends, &w.pieces)
            w.ends.removeAll(keepingCapacity: true)
            var start = range.lowerBound
            for end in w.pieces {
                w.scanner.split(bytes, start..<end, pattern: pattern, ends: &w.ends)
                start = end
            }
        }
        var start = range.lowerBound
        for end in w.ends {
            let word = UnsafeBufferPointer(rebasing: bytes[start..<end])
            let h = ByteStringTable.hash(word)
            if let found = w.cache.lookup(word, hash: h) {
                var offset = start
                var i = found.lowerBound
                while i < found.upperBound {
                    let length = Int(w.cache.value(at: i + 1))
                    emit(w.cache.value(at: i), offset, offset + length)
                    offset += length
                    i += 2
                }
            } else {
                w.tokens.removeAll(keepingCapacity: true)
                model.encode(word, into: &w.tokens, work: &w.bpe)
                if w.cache.arenaBytes > Workspace.cacheLimit { w.cache.removeAll() }
                w.cache.insert(word, hash: h, values: w.tokens[...])
                var offset = start
                var i = 0
                while i < w.tokens.count {
                    let length = Int(w.tokens[i + 1])
                    emit(w.tokens[i], offset, offset + length)
                    offset += length
                    i += 2
                }
            }
            start = end
        }
    }

    private static func isValidUTF8(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = text.count
        while i < n {
            // Fast path: 8 ASCII bytes at a time.
            if i + 8 <= n, UnsafeRawPointer(text.baseAddress! + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
                continue
            }
            if text[i] < 0x80 { i += 1; continue }
            var end = i + 1
            while end < n && text[end] & 0xC0 == 0x80 && end - i < 4 { end += 1 }
            var iterator = text[i..<end].makeIterator()
            var decoder = UTF8()
            guard case .scalarValue(let scalar) = decoder.decode(&iterator), UTF8.width(scalar) == end - i else { return false }
            i = end
        }
        return true
    }
}
