import Foundation
import LimeSupport

/// `manifest.json`: the shards of a dataset in order, with counts and SHA-256, and what
/// produced them. Deterministic: no timestamps or absolute paths.
public struct Manifest: Codable, Equatable, Sendable {
    public struct Tokenizer: Codable, Equatable, Sendable {
        public var file: String
        public var sha256: String
        public var vocabSize: Int
        public var mode: String
        enum CodingKeys: String, CodingKey { case file, sha256, vocabSize = "vocab_size", mode }
    }
    public struct Shard: Codable, Equatable, Sendable {
        public var file: String
        public var documents: Int
        public var tokens: Int
        public var bytes: Int
        public var sha256: String
    }

    public var format = "lime-shards"
    public var version = 1
    public var tokenizer: Tokenizer
    public var tagsetsSHA256: String
    public var annotator: [String: String]
    public var partition: String?
    public var documents: Int
    public var tokens: Int
    public var quarantined: Int
    public var shards: [Shard]

    enum CodingKeys: String, CodingKey {
        case format, version, tokenizer, tagsetsSHA256 = "tagsets_sha256", annotator, partition, documents, tokens,
             quarantined, shards
    }

    public static let fileName = "manifest.json"
    public static let shardDirectory = "shards"

    public func write(to directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        try AtomicFile.write(data, to: (directory as NSString).appendingPathComponent(Self.fileName))
    }

    public static func read(from directory: String) throws -> Manifest {
        let path = (directory as NSString).appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PipelineError("\(path): no manifest (the run has not completed: see `lime status \(directory)`)")
        }
        do {
            return try JSONDecoder().decode(Manifest.self, from: data)
        } catch {
            throw PipelineError("\(path): invalid manifest: \(error)")
        }
    }

    /// Path of a shard of this manifest.
    public static func shardPath(_ file: String, in directory: String) -> String {
        ((directory as NSString).appendingPathComponent(shardDirectory) as NSString).appendingPathComponent(file)
    }
}
