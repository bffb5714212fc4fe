import Foundation
import LimeCompute
import LimeText
import LimeTransformer

/// Choosing a metadata id from one row of the head's logits, greedy or sampled. The
/// reserved `<pad>` and `<unk>` are never chosen: no target carries them.
public enum MetadataPrediction {
    static let first = Int(TagSet.separatorID)

    /// The most likely id (the first on ties).
    public static func greedy(_ row: UnsafeBufferPointer<Float>) -> UInt8 {
        var best = first
        for j in first..<row.count where row[j] > row[best] { best = j }
        return UInt8(best)
    }

    /// Greedy for `temperature` 0, else a draw from softmax(row / temperature) (top `topK`).
    public static func choose(_ row: UnsafeBufferPointer<Float>, temperature: Float, topK: Int?, rng: inout Xoshiro256) -> UInt8 {
        guard temperature > 0 else { return greedy(row) }
        let logits = Array(row[first...])
        return UInt8(first + Sampling.sample(logits[...], temperature: temperature, topK: topK, rng: &rng))
    }

    /// Cross-entropy (nats) of `target` under softmax(row).
    static func loss(_ row: UnsafeBufferPointer<Float>, target: Int) -> Double {
        let mx = row.max()!
        var sum = 0.0
        for x in row { sum += exp(Double(x - mx)) }
        return log(sum) - Double(row[target] - mx)
    }
}
