/// Where window `i` of a dataset lies: shard `s` holds windows `starts[s] ..< starts[s + 1]`
/// of its own packed stream (windows never cross shards). O(shards) memory; `locate` is a
/// binary search.
public struct WindowIndex: Sendable, Equatable {
    /// Windows in each shard.
    public let counts: [Int]
    /// Running sums of `counts` (one more entry than shards; the last is `total`).
    public let starts: [Int]

    public init(counts: [Int]) {
        self.counts = counts
        var starts = [0]
        starts.reserveCapacity(counts.count + 1)
        for c in counts { starts.append(starts.last! + c) }
        self.starts = starts
    }

    public var total: Int { starts.last! }

    /// The shard holding global window `index` and the window's number within it.
    public func locate(_ index: Int) -> (shard: Int, window: Int) {
        precondition(index >= 0 && index < total, "window \(index) outside 0..<\(total)")
        var lo = 0, hi = counts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= index { lo = mid } else { hi = mid - 1 }
        }
        return (lo, index - starts[lo])
    }

    /// Full windows of `length + 1` in a stream of `tokens` tokens.
    public static func windows(tokens: Int, length: Int) -> Int { tokens > length ? (tokens - 1) / length : 0 }

    /// Every document of every shard, each followed by the separator: counted from the
    /// manifest alone (no shard is read).
    public static func all(_ dataset: ShardDataset, length: Int) -> WindowIndex {
        WindowIndex(counts: dataset.manifest.shards.map { windows(tokens: $0.tokens + $0.documents, length: length) })
    }

    /// The training stream of each shard (the non-empty documents `split` keeps, each
    /// followed by the separator): reads every shard once, one at a time.
    public static func training(_ dataset: ShardDataset, length: Int, split: DocumentSplit) throws -> WindowIndex {
        let counts = try (0..<dataset.shardCount).map { shard in
            windows(tokens: try dataset.packedLength(ofShard: shard) { !$0.isEmpty && !split.isValidation(tokens: $0) }, length: length)
        }
        return WindowIndex(counts: counts)
    }
}
