/// Where the training stream is: epoch, position in that epoch's shard order, and the
/// next window within that shard. Saved in checkpoints; restoring it replays nothing.
public struct DataCursor: Codable, Equatable, Sendable {
    public var epoch: Int
    public var shard: Int
    public var window: Int
    public init(epoch: Int = 0, shard: Int = 0, window: Int = 0) {
        self.epoch = epoch
        self.shard = shard
        self.window = window
    }
}
