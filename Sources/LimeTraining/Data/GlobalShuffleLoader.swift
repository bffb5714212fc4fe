import Foundation
import LimeCompute
import LimeData

/// Training windows in a global shuffle (`shuffle: global`): epoch `e` visits every
/// training window of every shard once, in the order of an `IndexPermutation` of all
/// (shard, window) pairs seeded from `(seed, e)`.
///
/// A shard's training stream is its non-empty documents that `split` keeps, in shard
/// order, each followed by the separator; windows never cross shards. On open every shard
/// is read once (one at a time) to count its windows (`WindowIndex.training`). A batch
/// decodes each shard it touches once, on `threads` threads (one shard per task, dropped
/// after its windows are copied), so memory is bounded by `threads` decoded shards plus
/// the index, whatever the dataset size; the order does not depend on `threads`.
/// The cursor is `(epoch, window: position in the epoch)`.
public final class GlobalShuffleLoader: WindowLoader {
    public let dataset: ShardDataset
    public let length: Int
    public let seed: UInt64
    public let split: DocumentSplit
    public let index: WindowIndex
    public private(set) var cursor: DataCursor
    let pool: ThreadPool
    private var order: (epoch: Int, permutation: IndexPermutation)?

    /// `indexFile`: where to keep the window index between runs (`WindowIndexFile`; nil: count on every open).
    public init(dataset: ShardDataset, length: Int, seed: UInt64, split: DocumentSplit, threads: Int = 1, cursor: DataCursor = DataCursor(),
                indexFile: String? = nil) throws {
        self.dataset = dataset
        self.length = length
        self.seed = seed
        self.split = split
        self.cursor = cursor
        index = try WindowIndexFile.training(dataset, length: length, split: split, path: indexFile)
        guard index.total > 0 else {
            throw TrainerError(path: dataset.directory, "no shard holds a full training window of \(length + 1) tokens")
        }
        pool = ThreadPool(threads: threads)
    }

    public func restore(_ cursor: DataCursor) { self.cursor = cursor }

    /// Training windows per epoch.
    public var windowsPerEpoch: Int { index.total }

    /// The global window id at `position` of `epoch`'s order.
    public func windowID(epoch: Int, position: Int) -> Int {
        if order?.epoch != epoch {
            order = (epoch, IndexPermutation(count: index.total, seed: TrainingLoader.mix(seed, UInt64(epoch), 3)))
        }
        return order!.permutation[position]
    }

    /// The training stream of `shard`.
    func stream(_ shard: Int) throws -> PackedStream {
        let stream = try dataset.packedStream(ofShard: shard) { !$0.isEmpty && !split.isValidation(tokens: $0) }
        guard stream.windowCount(length: length) == index.counts[shard] else {
            throw TrainerError(path: Manifest.shardPath(dataset.manifest.shards[shard].file, in: dataset.directory), "changed since the loader opened it")
        }
        return stream
    }

    public func nextBatch(_ count: Int) throws -> [TrainingWindow] {
        var wanted: [(shard: Int, window: Int)] = []
        wanted.reserveCapacity(count)
        for _ in 0..<count {
            if cursor.window >= index.total {
                cursor.epoch += 1
                cursor.window = 0
            }
            wanted.append(index.locate(windowID(epoch: cursor.epoch, position: cursor.window)))
            cursor.window += 1
        }
        return try read(wanted)
    }

    /// The windows at `(shard, window)` pairs, in the given order; each shard is decoded once.
    public func read(_ wanted: [(shard: Int, window: Int)]) throws -> [TrainingWindow] {
        var slots: [Int: [Int]] = [:]
        for (slot, w) in wanted.enumerated() { slots[w.shard, default: []].append(slot) }
        let shards = slots.keys.sorted()
        var results = [TrainingWindow?](repeating: nil, count: wanted.count)
        var errors = [Error?](repeating: nil, count: shards.count)
        results.withUnsafeMutableBufferPointer { out in
            errors.withUnsafeMutableBufferPointer { failures in
                pool.run(tasks: shards.count) { task, _ in
                    do {
                        let stream = try stream(shards[task])
                        for slot in slots[shards[task]]! { out[slot] = stream.window(wanted[slot].window, length: length) }
                    } catch {
                        failures[task] = error
                    }
                }
            }
        }
        if let error = errors.compactMap({ $0 }).first { throw error }
        return results.map { $0! }
    }
}
