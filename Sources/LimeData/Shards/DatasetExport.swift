import Foundation
import LimeSupport
import LimeText

/// `lime export`: one JSON line per document in shard order:
/// `{"id", "text", "pieces", "token_ids", "tag", "ner"}` with tags as label strings and
/// `text` decoded from the pieces.
public enum DatasetExport {
    /// The tokenizer model of a dataset: the path recorded in its provenance, if the
    /// file there still has the recorded hash.
    public static func tokenizerPath(directory: String) throws -> String {
        let manifest = try Manifest.read(from: directory)
        let store = try ProvenanceStore(path: (directory as NSString).appendingPathComponent("provenance.sqlite"))
        guard let path = try store.components().first(where: { $0.name == "tokenizer" })?.path else {
            throw PipelineError(path: directory, "provenance does not name the tokenizer; pass --tokenizer")
        }
        let model = try TokenizerLoader.load(path: path)
        guard model.sha256 == manifest.tokenizer.sha256 else {
            throw PipelineError(path: path, "tokenizer changed since the dataset was written; pass --tokenizer with the original model")
        }
        return path
    }

    public static func export(directory: String, model: any SubwordTokenizer, to handle: FileHandle) throws -> Int {
        let manifest = try Manifest.read(from: directory)
        guard model.sha256 == manifest.tokenizer.sha256 else {
            throw PipelineError(path: model.path, "not the tokenizer the dataset was written with (SHA-256 \(manifest.tokenizer.sha256))")
        }
        var count = 0
        for shard in manifest.shards {
            let reader = try ShardReader(path: Manifest.shardPath(shard.file, in: directory))
            var buffer = Data()
            for document in try reader.documents() {
                let text = String(decoding: model.decodeBytes(document.tokens), as: UTF8.self)
                let pieces = document.tokens.map { model.pieces[Int($0)] }
                var line = "{\"id\":\(JSONText.quote(document.id)),\"text\":\(JSONText.quote(text)),"
                line += "\"pieces\":\(JSONText.array(pieces)),\"token_ids\":\(JSONText.array(document.tokens)),"
                line += "\"tag\":\(JSONText.array(document.tag.map { TagSets.tag.label($0) })),"
                line += "\"ner\":\(JSONText.array(document.ner.map { TagSets.ner.label($0) }))}\n"
                buffer.append(contentsOf: line.utf8)
                count += 1
            }
            try handle.write(contentsOf: buffer)
        }
        return count
    }
}
