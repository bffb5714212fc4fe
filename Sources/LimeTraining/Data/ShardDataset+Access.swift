import Foundation
import LimeData

/// The most recently decoded shard of a dataset, shared by random reads (thread-safe).
final class ShardCache: @unchecked Sendable {
    private let lock = NSLock()
    private var documents: (shard: Int, value: [AlignedDocument])?
    private var decoded: (shard: Int, value: DecodedShard)?

    /// The documents of `shard`, decoding on a miss.
    func documents(_ shard: Int, load: (Int) throws -> [AlignedDocument]) throws -> [AlignedDocument] {
        lock.lock()
        defer { lock.unlock() }
        if documents?.shard != shard { documents = (shard, try load(shard)) }
        return documents!.value
    }

    /// The decoded sections of `shard`, decoding on a miss.
    func decoded(_ shard: Int, load: (Int) throws -> DecodedShard) throws -> DecodedShard {
        lock.lock()
        defer { lock.unlock() }
        if decoded?.shard != shard { decoded = (shard, try load(shard)) }
        return decoded!.value
    }
}

/// Random access: document `i` and window `i` of the whole dataset in a constant number of
/// section reads (one shard's sections; the last shard read stays decoded, so reading in
/// order decodes each shard once).
extension ShardDataset {
    /// Documents in the dataset (from the manifest).
    public var documentCount: Int { documentStarts.last! }

    /// Document `index` in manifest order (shard by shard, documents in shard order).
    public func document(at index: Int) throws -> AlignedDocument {
        guard index >= 0 && index < documentCount else {
            throw TrainerError(path: directory, "document \(index) outside 0..<\(documentCount)")
        }
        var lo = 0, hi = shardCount - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if documentStarts[mid] <= index { lo = mid } else { hi = mid - 1 }
        }
        let documents = try cache.documents(lo, load: documents(ofShard:))
        let k = index - documentStarts[lo]
        guard k < documents.count else {
            throw TrainerError(path: Manifest.shardPath(manifest.shards[lo].file, in: directory), "holds \(documents.count) documents, the manifest says more")
        }
        return documents[k]
    }

    /// The index of windows of `length + 1` over every shard's documents, each followed by
    /// the separator (`WindowIndex.all`: from the manifest alone).
    public func windowIndex(length: Int) -> WindowIndex { WindowIndex.all(self, length: length) }

    /// Global window `index` of `windows` (made by `windowIndex(length:)`): positions
    /// `w * length ... w * length + length` of its shard's packed stream (`DecodedShard`).
    public func window(at index: Int, in windows: WindowIndex, length: Int) throws -> TrainingWindow {
        guard index >= 0 && index < windows.total else {
            throw TrainerError(path: directory, "window \(index) outside 0..<\(windows.total)")
        }
        let (shard, w) = windows.locate(index)
        let decoded = try cache.decoded(shard) { try DecodedShard(reader(ofShard: $0), separator: separator) }
        guard WindowIndex.windows(tokens: decoded.streamLength, length: length) == windows.counts[shard] else {
            throw TrainerError(path: Manifest.shardPath(manifest.shards[shard].file, in: directory), "token or document count differs from the manifest")
        }
        return decoded.window(w, length: length)
    }
}
