import Foundation
import LimeData
import LimeSupport

/// A stored `WindowIndex.training` (JSON, written atomically beside a run's checkpoint), so
/// that resuming a global-shuffle run does not read every shard again to count windows.
/// It is used only when its key matches (the manifest's SHA-256, the window length and
/// the validation fraction) and its own SHA-256 over the counts checks out; otherwise the
/// index is rebuilt and the file rewritten. A stale count is still caught when its shard is
/// read (`GlobalShuffleLoader.stream`).
struct WindowIndexFile: Codable, Equatable {
    var manifestSHA256: String
    var length: Int
    var validationFraction: Double
    var counts: [Int]
    var sha256: String

    enum CodingKeys: String, CodingKey {
        case manifestSHA256 = "manifest_sha256", length, validationFraction = "validation_fraction", counts, sha256
    }

    static func digest(_ counts: [Int]) -> String { Hashing.hex(Hashing.sha256(Array(counts.map(String.init).joined(separator: ",").utf8))) }

    static func manifestDigest(_ dataset: ShardDataset) throws -> String {
        let path = (dataset.directory as NSString).appendingPathComponent(Manifest.fileName)
        guard let data = FileManager.default.contents(atPath: path) else { throw TrainerError(path: path, "cannot read manifest") }
        return Hashing.hex(Hashing.sha256(data))
    }

    /// The training index of `dataset`, from `path` when it holds a matching one, else
    /// built (every shard read once) and written to `path`.
    static func training(_ dataset: ShardDataset, length: Int, split: DocumentSplit, path: String?) throws -> WindowIndex {
        guard let path else { return try WindowIndex.training(dataset, length: length, split: split) }
        let key = try manifestDigest(dataset)
        if let data = FileManager.default.contents(atPath: path),
           let stored = try? JSONDecoder().decode(WindowIndexFile.self, from: data),
           stored.manifestSHA256 == key, stored.length == length, stored.validationFraction == split.validationFraction,
           stored.counts.count == dataset.shardCount, stored.sha256 == digest(stored.counts) {
            return WindowIndex(counts: stored.counts)
        }
        let index = try WindowIndex.training(dataset, length: length, split: split)
        let file = WindowIndexFile(manifestSHA256: key, length: length, validationFraction: split.validationFraction,
                                   counts: index.counts, sha256: digest(index.counts))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(try encoder.encode(file), to: path)
        return index
    }
}
