import Foundation
import LimeText

/// What `lime view` shows of a dataset: a sample of documents (pieces with their tags and
/// where each document came from) and counts over the whole dataset. Encoded as JSON into
/// the page, which renders it.
public struct DatasetSample: Encodable {
    public struct Document: Encodable {
        public var id: String
        public var shard: String
        public var input: String
        public var line: Int
        /// Each piece's text (its bytes decoded as UTF-8) and its tag, pos and ner ids.
        public var pieces: [String]
        public var tag: [UInt8]
        public var pos: [UInt8]
        public var ner: [UInt8]
        public var wordStart: [UInt8]
        /// Pieces the document has beyond those shown.
        public var truncated: Int

        /// Entities beginning in the pieces shown.
        public var entitiesShown: Int {
            zip(ner, wordStart).filter { ner, start in start == 1 && DatasetSample.entityStarted(ner: ner) != nil }.count
        }

        enum CodingKeys: String, CodingKey {
            case id, shard, input, line, pieces, tag, pos, ner, truncated
            case wordStart = "word_start"
        }
    }

    public struct Counts: Encodable {
        public var shards = 0
        public var documents = 0
        public var pieces = 0
        public var words = 0
        /// Words per fine-grained tag, and entities (spans) per type, over every shard.
        public var tags: [String: Int] = [:]
        public var entities: [String: Int] = [:]
    }

    public var directory: String
    public var tokenizer: String
    public var labels: [String: [String]]
    public var entityTypes: [String]
    public var documents: [Document]
    public var counts: Counts

    enum CodingKeys: String, CodingKey {
        case directory, tokenizer, labels, documents, counts
        case entityTypes = "entity_types"
    }

    /// Reads `directory`: the first documents of every shard in turn, up to `documents`,
    /// each cut at `maxPieces` pieces; counts over all shards.
    public static func load(directory: String, tokenizer: any SubwordTokenizer, documents limit: Int,
                            maxPieces: Int = 600) throws -> DatasetSample {
        let manifest = try Manifest.read(from: directory)
        guard tokenizer.sha256 == manifest.tokenizer.sha256 else {
            throw PipelineError(path: tokenizer.path, "not the tokenizer \(directory) was written with (SHA-256 \(manifest.tokenizer.sha256))")
        }
        let store = try ProvenanceStore(path: (directory as NSString).appendingPathComponent("provenance.sqlite"))
        var counts = Counts()
        var perShard: [[AlignedDocument]] = []
        for shard in manifest.shards {
            let documents = try ShardReader(path: Manifest.shardPath(shard.file, in: directory)).documents()
            counts.shards += 1
            for document in documents { count(document, into: &counts) }
            perShard.append(documents)
        }
        // Round robin over shards, so the sample spans the dataset.
        var picked: [Document] = []
        var origins: [Int: [Int: (input: String, line: Int)]] = [:]  // per shard, read once
        var depth = 0
        while picked.count < limit && perShard.contains(where: { depth < $0.count }) {
            for (index, documents) in perShard.enumerated() where depth < documents.count && picked.count < limit {
                let file = manifest.shards[index].file
                if origins[index] == nil { origins[index] = try store.documentOrigins(shard: file) }
                picked.append(view(documents[depth], shard: file, origin: origins[index]?[depth], tokenizer: tokenizer, maxPieces: maxPieces))
            }
            depth += 1
        }
        picked.sort { ($0.shard, $0.line) < ($1.shard, $1.line) }
        return DatasetSample(
            directory: directory, tokenizer: (tokenizer.path as NSString).lastPathComponent,
            labels: Dictionary(uniqueKeysWithValues: TagSets.all.map { ($0.name, $0.labels) }),
            entityTypes: TagSets.entityTypes, documents: picked, counts: counts)
    }

    private static func count(_ document: AlignedDocument, into counts: inout Counts) {
        counts.documents += 1
        counts.pieces += document.count
        for index in 0..<document.count where document.wordStart[index] == 1 {
            counts.words += 1
            counts.tags[TagSets.tag.label(document.tag[index]), default: 0] += 1
            if let type = entityStarted(ner: document.ner[index]) { counts.entities[type, default: 0] += 1 }
        }
    }

    /// The entity type a word with this NER id begins (`B-TYPE`), if any.
    static func entityStarted(ner: UInt8) -> String? {
        let label = TagSets.ner.label(ner)
        return label.hasPrefix("B-") ? String(label.dropFirst(2)) : nil
    }

    private static func view(_ document: AlignedDocument, shard: String, origin: (input: String, line: Int)?,
                             tokenizer: any SubwordTokenizer, maxPieces: Int) -> Document {
        let shown = min(document.count, maxPieces)
        return Document(
            id: document.id, shard: shard, input: origin?.input ?? "?", line: origin?.line ?? 0,
            pieces: document.tokens.prefix(shown).map { String(decoding: tokenizer.decodeBytes([$0]), as: UTF8.self) },
            tag: Array(document.tag.prefix(shown)), pos: Array(document.pos.prefix(shown)),
            ner: Array(document.ner.prefix(shown)), wordStart: Array(document.wordStart.prefix(shown)),
            truncated: document.count - shown)
    }
}
