import LimeCompute
/// Per-kernel wall-clock timer for the training step (off unless `enabled`).
public final class Profiler {
    /// Kernel families timed separately.
    public enum Kind: Int, CaseIterable, Sendable {
        case matmul, attention, norm, activation, rope, embedding, residual, loss, optimizer
        /// The metadata-prediction head (its matmuls, loss and gradients).
        case metadataHead
        public var name: String { String(describing: self) }
    }

    public var enabled = false
    public private(set) var seconds = [Double](repeating: 0, count: Kind.allCases.count)

    public init() {}

    /// Runs `body`, adding its duration to `kind` when enabled.
    @inline(__always)
    public func time<T>(_ kind: Kind, _ body: () throws -> T) rethrows -> T {
        if !enabled { return try body() }
        let start = Timing.now()
        defer { seconds[kind.rawValue] += Timing.now() - start }
        return try body()
    }

    public func reset() { for i in seconds.indices { seconds[i] = 0 } }

    /// Share of the total per kind, largest first.
    public func shares() -> [(Kind, Double)] {
        let total = seconds.reduce(0, +)
        return Kind.allCases.map { ($0, total > 0 ? seconds[$0.rawValue] / total : 0) }.sorted { $0.1 > $1.1 }
    }
}
