/// A deterministic interleave of sources in exact proportions: smooth weighted round-robin.
///
/// Each draw adds every source's weight to its credit, picks the source with the largest
/// credit (ties to the lower index) and takes the total weight `W` from it. Over every
/// cycle of `W` draws source `s` is picked exactly `weights[s]` times; over any `N`
/// consecutive draws its count differs from `N * weights[s] / W` by less than 2 (the
/// stated tolerance: every prefix is within 1, since `credit[s] / W` is exactly
/// `n * weights[s] / W - count`). Checked over every window in `MixtureTests`.
public struct WeightedSchedule: Sendable, Equatable {
    public let weights: [Int64]
    public let total: Int64
    public private(set) var credit: [Int64]

    /// `weights` must be positive.
    public init(weights: [Int64]) throws {
        guard !weights.isEmpty, weights.allSatisfy({ $0 > 0 }) else { throw TrainerError("mixture weights must be positive") }
        self.weights = weights
        total = weights.reduce(0, +)
        credit = weights.map { _ in 0 }
    }

    /// Restores credits saved from a schedule with the same weights.
    public mutating func restore(credit: [Int64]) throws {
        guard credit.count == weights.count, credit.reduce(0, +) == 0 else {
            throw TrainerError("mixture cursor does not fit the mixture's \(weights.count) sources")
        }
        self.credit = credit
    }

    /// The next source.
    public mutating func next() -> Int {
        var best = 0
        for s in weights.indices {
            credit[s] += weights[s]
            if credit[s] > credit[best] { best = s }
        }
        credit[best] -= total
        return best
    }

    /// Divides `values` by their greatest common divisor.
    public static func reduced(_ values: [Int64]) -> [Int64] {
        func gcd(_ a: Int64, _ b: Int64) -> Int64 { b == 0 ? a : gcd(b, a % b) }
        let g = values.reduce(0, gcd)
        return g > 1 ? values.map { $0 / g } : values
    }
}
