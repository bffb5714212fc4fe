/// Where the training stream is: epoch, position in that epoch's shard order, and the
/// next window within that shard. Saved in checkpoints; restoring it replays nothing.
/// A global shuffle uses `(epoch, window: position in the epoch)`; a mixture uses
/// `(epoch: mixture cycle, window: position in it)` plus `mixture`.
public struct DataCursor: Codable, Equatable, Sendable {
    public var epoch: Int
    public var shard: Int
    public var window: Int
    /// The state of a mixture: each source's cursor and the schedule's credits (absent,
    /// and not written, for a single directory).
    public var mixture: MixtureCursor?

    public init(epoch: Int = 0, shard: Int = 0, window: Int = 0, mixture: MixtureCursor? = nil) {
        self.epoch = epoch
        self.shard = shard
        self.window = window
        self.mixture = mixture
    }
}

/// The resumable state of a `MixtureLoader`.
public struct MixtureCursor: Codable, Equatable, Sendable {
    /// One cursor per source, in the mixture file's order.
    public var sources: [DataCursor]
    /// The schedule's weights (a resumed run must have the same).
    public var weights: [Int64]
    /// The smooth weighted round-robin credits (`WeightedSchedule.credit`).
    public var credit: [Int64]

    public init(sources: [DataCursor], weights: [Int64], credit: [Int64]) {
        self.sources = sources
        self.weights = weights
        self.credit = credit
    }
}
