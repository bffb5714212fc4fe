import Foundation
import LimeSupport
import LimeText

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

    /// What the annotator read to label each token (`annotator["annotation_context"]`;
    /// absent: full context). Nil for a value this build does not know.
    public var annotationContext: AnnotationContext? {
        AnnotationContext(rawValue: annotator["annotation_context"] ?? AnnotationContext.full.rawValue)
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
            throw PipelineError(path: path, "no manifest (the run has not completed: see `lime status \(directory)`)")
        }
        return try decode(data, path: path)
    }

    /// Decodes and checks manifest bytes; `path` names the file in errors.
    public static func decode(_ data: Data, path: String) throws -> Manifest {
        let manifest: Manifest
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: data)
        } catch {
            throw PipelineError(path: path, "invalid manifest: \(error)")
        }
        if let problem = manifest.problem() { throw PipelineError(path: path, "invalid manifest: \(problem)") }
        return manifest
    }

    /// What makes this manifest unusable, if anything: a foreign format, a shard path that
    /// leaves the shard directory, negative counts, totals that are not the shards' sums.
    func problem() -> String? {
        guard format == "lime-shards" else { return "format \(format.debugDescription), expected \"lime-shards\"" }
        guard version == 1 else { return "version \(version), this build reads 1" }
        guard documents >= 0, tokens >= 0, quarantined >= 0, tokenizer.vocabSize >= 0 else { return "negative count" }
        var documentSum = 0, tokenSum = 0
        for (index, shard) in shards.enumerated() {
            guard !shard.file.isEmpty, shard.file != ".", shard.file != "..", !shard.file.contains("/"), !shard.file.contains("\0") else {
                return "shard \(index) has the file name \(shard.file.debugDescription), not a name in \(Self.shardDirectory)/"
            }
            guard shard.documents >= 0, shard.tokens >= 0, shard.bytes >= 0 else { return "shard \(shard.file) has a negative count" }
            var overflow = false
            (documentSum, overflow) = documentSum.addingReportingOverflow(shard.documents)
            guard !overflow else { return "document counts overflow" }
            (tokenSum, overflow) = tokenSum.addingReportingOverflow(shard.tokens)
            guard !overflow else { return "token counts overflow" }
        }
        guard documentSum == documents, tokenSum == tokens else {
            return "the shards hold \(documentSum) documents and \(tokenSum) tokens, the totals say \(documents) and \(tokens)"
        }
        return nil
    }

    /// Path of a shard of this manifest.
    public static func shardPath(_ file: String, in directory: String) -> String {
        ((directory as NSString).appendingPathComponent(shardDirectory) as NSString).appendingPathComponent(file)
    }
}
