/// Windows from several sources interleaved by a `WeightedSchedule`: the schedule decides
/// which source gives each window; each source keeps its own deterministic order
/// (`TrainingLoader` or `GlobalShuffleLoader`, seeded per source from the run's seed).
/// The cursor holds every source's cursor and the schedule's credits, so a resumed run
/// continues bit for bit.
public final class MixtureLoader: WindowLoader {
    public let sources: [any WindowLoader]
    public private(set) var schedule: WeightedSchedule
    private var drawn = 0

    public init(sources: [any WindowLoader], weights: [Int64]) throws {
        guard sources.count == weights.count else { throw TrainerError("a mixture needs one weight per source") }
        self.sources = sources
        schedule = try WeightedSchedule(weights: weights)
    }

    /// The seed of source `index` of a mixture run with `seed`.
    public static func seed(_ seed: UInt64, source index: Int) -> UInt64 { TrainingLoader.mix(seed, 0x4D49_5854, UInt64(index)) }

    /// `(epoch: cycle of the schedule, window: draw within it)` plus the mixture state.
    public var cursor: DataCursor {
        let cycle = Int(schedule.total)
        return DataCursor(epoch: drawn / cycle, shard: 0, window: drawn % cycle,
                          mixture: MixtureCursor(sources: sources.map(\.cursor), weights: schedule.weights, credit: schedule.credit))
    }

    public func restore(_ cursor: DataCursor) {
        guard let state = cursor.mixture, state.sources.count == sources.count,
              (try? schedule.restore(credit: state.credit)) != nil else {
            preconditionFailure("restoring a mixture from a cursor without a matching mixture state")
        }
        for (source, c) in zip(sources, state.sources) { source.restore(c) }
        drawn = cursor.epoch * Int(schedule.total) + cursor.window
    }

    /// Checks that `cursor` can be restored (a checkpoint of this mixture: same sources and weights).
    public func accepts(_ cursor: DataCursor) -> Bool {
        guard let state = cursor.mixture else { return false }
        return state.sources.count == sources.count && state.weights == schedule.weights
            && state.credit.count == sources.count && state.credit.reduce(0, +) == 0
    }

    /// The sources of the next `count` draws (advances the schedule).
    func draw(_ count: Int) -> [Int] {
        drawn += count
        return (0..<count).map { _ in schedule.next() }
    }

    public func nextBatch(_ count: Int) throws -> [TrainingWindow] {
        let picks = draw(count)
        var fetched: [[TrainingWindow]] = []
        for s in sources.indices {
            let n = picks.lazy.filter { $0 == s }.count
            fetched.append(n > 0 ? try sources[s].nextBatch(n) : [])
        }
        var taken = [Int](repeating: 0, count: sources.count)
        return picks.map { s in
            defer { taken[s] += 1 }
            return fetched[s][taken[s]]
        }
    }
}
