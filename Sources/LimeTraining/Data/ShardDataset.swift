import Foundation
import LimeData
import LimeSupport

/// A pipeline output directory opened for training: its manifest, the separator piece,
/// and shard-by-shard access with every file checked against the manifest's SHA-256
/// (and every section against its own checksum by `ShardReader`).
public final class ShardDataset: @unchecked Sendable {
    public let directory: String
    public let manifest: Manifest
    /// The tokenizer's document separator (`</s>`, `<|endoftext|>`), placed after every document.
    public let separator: Int32
    public let vocabSize: Int
    /// Global number of the first document of each shard (one more entry than shards).
    public let documentStarts: [Int]
    /// The last shard decoded by random access (`document(at:)`, `window(at:length:)`).
    let cache = ShardCache()

    /// Opens `directory`; `separator` defaults to the document separator of the manifest's
    /// tokenizer (found at `tokenizer`, beside the shards, at the path in provenance, or,
    /// for lime's default tokenizer, in this build).
    public init(directory: String, tokenizer: String? = nil, separator: Int32? = nil) throws {
        self.directory = directory
        manifest = try Manifest.read(from: directory)
        vocabSize = manifest.tokenizer.vocabSize
        guard !manifest.shards.isEmpty else { throw TrainerError(path: directory, "the manifest lists no shards") }
        var starts = [0]
        for shard in manifest.shards { starts.append(starts.last! + shard.documents) }
        documentStarts = starts
        if let separator {
            self.separator = separator
        } else {
            let path = try Self.tokenizerPath(manifest: manifest, directory: directory, given: tokenizer)
            self.separator = try Self.eosID(path: path, sha256: manifest.tokenizer.sha256)
        }
        guard self.separator >= 0 && Int(self.separator) < vocabSize else {
            throw TrainerError("separator id \(self.separator) outside the vocabulary (\(vocabSize))")
        }
    }

    /// The tokenizer model file of a dataset: `given`, the manifest's file name in the
    /// directory, or the path recorded in `provenance.sqlite`.
    public static func tokenizerPath(manifest: Manifest, directory: String, given: String?) throws -> String {
        var candidates: [String] = given.map { [$0] } ?? []
        if given == nil {
            candidates.append((directory as NSString).appendingPathComponent(manifest.tokenizer.file))
            let database = (directory as NSString).appendingPathComponent("provenance.sqlite")
            if FileManager.default.fileExists(atPath: database),
               let components = try? ProvenanceStore(path: database).components(),
               let path = components.first(where: { $0.name == "tokenizer" })?.path {
                candidates.append(path)
            }
            // A dataset made with lime's default tokenizer finds it in this build.
            if manifest.tokenizer.file == TokenizerLoader.defaultModelName, let shipped = try? TokenizerLoader.defaultModelPath() {
                candidates.append(shipped)
            }
        }
        guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw TrainerError("tokenizer model \(manifest.tokenizer.file) of \(directory) not found (pass --tokenizer)")
        }
        return path
    }

    /// The document separator of the tokenizer at `path`, which must have the manifest's SHA-256.
    public static func eosID(path: String, sha256: String) throws -> Int32 {
        let model = try TokenizerLoader.load(path: path)
        guard model.sha256 == sha256 else {
            throw TrainerError(path: path, "SHA-256 differs from the manifest's tokenizer")
        }
        guard let eos = model.documentSeparatorID else {
            throw TrainerError(path: path, "the tokenizer has no document separator piece (</s> or <|endoftext|>)")
        }
        return eos
    }

    public var shardCount: Int { manifest.shards.count }

    /// The decoded documents of shard `index`, after checking the file's SHA-256 and size.
    public func documents(ofShard index: Int) throws -> [AlignedDocument] {
        try reader(ofShard: index).documents()
    }

    /// A reader of shard `index`, after checking the file's SHA-256 and size against the
    /// manifest and its vocabulary against the dataset's.
    public func reader(ofShard index: Int) throws -> ShardReader {
        let entry = manifest.shards[index]
        let path = Manifest.shardPath(entry.file, in: directory)
        guard let data = FileManager.default.contents(atPath: path) else { throw TrainerError(path: path, "cannot read shard") }
        guard data.count == entry.bytes, Hashing.hex(Hashing.sha256(data)) == entry.sha256 else {
            throw TrainerError(path: path, "size or SHA-256 differs from the manifest (corrupt or replaced shard)")
        }
        let reader = try ShardReader(path: path, bytes: [UInt8](data))
        guard reader.vocabSize == vocabSize else {
            throw TrainerError(path: path, "vocabulary \(reader.vocabSize) differs from the manifest's \(vocabSize)")
        }
        return reader
    }
}

/// Splits documents into training and validation by a hash of their pieces (FNV-1a),
/// so the split does not depend on shard order or document position.
public struct DocumentSplit: Codable, Equatable, Sendable {
    /// Share of documents held out for validation, in [0, 1).
    public var validationFraction: Double

    public init(validationFraction: Double) { self.validationFraction = validationFraction }

    public func isValidation(_ document: AlignedDocument) -> Bool { isValidation(tokens: document.tokens) }

    /// Whether the document with these pieces is held out.
    public func isValidation<C: Collection<UInt32>>(tokens: C) -> Bool {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for t in tokens {
            h = (h ^ UInt64(t)) &* 0x0000_0100_0000_01B3
        }
        h ^= h >> 33
        return Double(h % 1_000_000) < validationFraction * 1_000_000
    }
}
