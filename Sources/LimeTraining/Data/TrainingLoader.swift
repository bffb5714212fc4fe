import LimeCompute
import LimeData
import LimeTransformer

/// Deterministic training windows from a `ShardDataset`, one shard in memory at a time.
///
/// Epoch `e` visits the shards in an order drawn from `(seed, e)`; within a shard the
/// training documents (those `split` does not hold out) are shuffled with `(seed, e,
/// shard)`, packed with separators, cut into windows of `length + 1` tokens (the tail
/// shorter than a window is dropped), and the windows are shuffled too. The same seed
/// gives the same sequence; `cursor` can be saved and restored.
public final class TrainingLoader {
    public let dataset: ShardDataset
    public let length: Int
    public let seed: UInt64
    public let split: DocumentSplit
    public private(set) var cursor: DataCursor
    private var loaded: (epoch: Int, shard: Int, stream: PackedStream, order: [Int])?

    public init(dataset: ShardDataset, length: Int, seed: UInt64, split: DocumentSplit, cursor: DataCursor = DataCursor()) {
        self.dataset = dataset
        self.length = length
        self.seed = seed
        self.split = split
        self.cursor = cursor
    }

    /// Moves to `cursor` (the next `next()` returns the window it points at).
    public func restore(_ cursor: DataCursor) { self.cursor = cursor }

    /// A permutation of `0..<n` from `seed` (Fisher-Yates over xoshiro256**).
    static func permutation(_ n: Int, seed: UInt64) -> [Int] {
        var rng = Xoshiro256(seed: seed)
        var p = Array(0..<n)
        if n > 1 {
            for i in stride(from: n - 1, to: 0, by: -1) { p.swapAt(i, rng.nextInt(i + 1)) }
        }
        return p
    }

    static func mix(_ values: UInt64...) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15
        for v in values { h = (h ^ v) &* 0xBF58_476D_1CE4_E5B9; h ^= h >> 31 }
        return h
    }

    /// The packed training stream of the shard at `position` in `epoch`'s order.
    func stream(epoch: Int, position: Int) throws -> PackedStream {
        let shardOrder = Self.permutation(dataset.shardCount, seed: Self.mix(seed, UInt64(epoch)))
        let shard = shardOrder[position]
        let documents = try dataset.documents(ofShard: shard).filter { !split.isValidation($0) && $0.count > 0 }
        var stream = PackedStream()
        for i in Self.permutation(documents.count, seed: Self.mix(seed, UInt64(epoch), UInt64(shard), 1)) {
            let d = documents[i]
            stream.append(tokens: d.tokens, tag: d.tag, pos: d.pos, ner: d.ner, wordStart: d.wordStart, separator: dataset.separator)
        }
        return stream
    }

    /// The next window; advances the cursor (to the next shard and epoch as needed).
    public func next() throws -> TrainingWindow {
        var emptyShards = 0
        while true {
            if loaded == nil || loaded!.epoch != cursor.epoch || loaded!.shard != cursor.shard {
                let stream = try stream(epoch: cursor.epoch, position: cursor.shard)
                let count = stream.windowCount(length: length)
                let order = Self.permutation(count, seed: Self.mix(seed, UInt64(cursor.epoch), UInt64(cursor.shard), 2))
                loaded = (cursor.epoch, cursor.shard, stream, order)
            }
            let current = loaded!
            if cursor.window < current.order.count {
                let window = current.stream.window(current.order[cursor.window], length: length)
                cursor.window += 1
                return window
            }
            emptyShards = current.order.isEmpty ? emptyShards + 1 : 0
            if emptyShards > dataset.shardCount {
                throw TrainerError(path: dataset.directory, "no shard holds a full training window of \(length + 1) tokens")
            }
            cursor.window = 0
            cursor.shard += 1
            if cursor.shard == dataset.shardCount {
                cursor.shard = 0
                cursor.epoch += 1
            }
        }
    }

    /// The next `count` windows.
    public func nextBatch(_ count: Int) throws -> [TrainingWindow] { try (0..<count).map { _ in try next() } }
}

/// Packs documents into consecutive (unshuffled) windows, for validation and evaluation.
public enum SequentialWindows {
    /// Windows of `length + 1` over the documents of every shard in manifest order that
    /// `include` accepts; when there are more than `limit`, `limit` of them evenly spaced
    /// over the whole dataset (so that validation sees every part of the corpus).
    public static func make(dataset: ShardDataset, length: Int, limit: Int, include: (AlignedDocument) -> Bool) throws -> [TrainingWindow] {
        var windows: [TrainingWindow] = []
        var stream = PackedStream()
        for shard in 0..<dataset.shardCount {
            for d in try dataset.documents(ofShard: shard) where include(d) && d.count > 0 {
                stream.append(tokens: d.tokens, tag: d.tag, pos: d.pos, ner: d.ner, wordStart: d.wordStart, separator: dataset.separator)
            }
            let n = stream.windowCount(length: length)
            for i in 0..<n { windows.append(stream.window(i, length: length)) }
            // Keep the tail (and the token shared with the next window) for the next shard.
            let used = n * length
            stream.tokens.removeFirst(used); stream.tag.removeFirst(used); stream.pos.removeFirst(used)
            stream.ner.removeFirst(used); stream.wordStart.removeFirst(used)
        }
        guard windows.count > limit, limit > 0 else { return windows }
        return (0..<limit).map { windows[$0 * windows.count / limit] }
    }
}
