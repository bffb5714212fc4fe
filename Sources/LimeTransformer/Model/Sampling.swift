import Foundation
import LimeCompute

/// Choosing the next token from logits (as returned by `Transformer.nextTokenLogits`).
public enum Sampling {
    /// The index of the largest logit (the first one on ties).
    public static func greedy(_ logits: ArraySlice<Float>) -> Int {
        var best = logits.startIndex
        for i in logits.indices where logits[i] > logits[best] { best = i }
        return best - logits.startIndex
    }

    /// A draw from softmax(logits / temperature), optionally restricted to the `topK` largest.
    public static func sample(_ logits: ArraySlice<Float>, temperature: Float, topK: Int? = nil, rng: inout Xoshiro256) -> Int {
        precondition(temperature > 0, "temperature must be positive (use greedy for 0)")
        var order = Array(logits.indices)
        if let k = topK, k < order.count {
            order.sort { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
            order.removeLast(order.count - max(1, k))
        }
        let mx = order.map { logits[$0] }.max()!
        let weights = order.map { Foundation.exp(Double((logits[$0] - mx) / temperature)) }
        var u = Double(rng.nextFloat()) * weights.reduce(0, +)
        for (i, w) in weights.enumerated() {
            u -= w
            if u < 0 { return order[i] - logits.startIndex }
        }
        return order[order.count - 1] - logits.startIndex
    }
}

/// Metadata alignment for LIME+1, where position `i` receives the metadata of token `i + 1`.
public enum MetadataAlignment {
    /// Given metadata for `length + 1` consecutive tokens of one sequence (the inputs and
    /// the final target), returns the `length` ids LIME+1 feeds: ids[1...length].
    public static func nextTokenMetadata(_ ids: ArraySlice<Int32>) -> [Int32] { Array(ids.dropFirst()) }
}
