/// A deterministic, resumable source of training windows (`TrainingLoader`,
/// `GlobalShuffleLoader`, `MixtureLoader`).
public protocol WindowLoader: AnyObject {
    /// Where the stream is; saved in checkpoints.
    var cursor: DataCursor { get }
    /// Moves to `cursor` (the next window is the one it points at).
    func restore(_ cursor: DataCursor)
    /// The next `count` windows; advances the cursor.
    func nextBatch(_ count: Int) throws -> [TrainingWindow]
}

extension TrainingLoader: WindowLoader {}
