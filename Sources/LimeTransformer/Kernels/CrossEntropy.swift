import Foundation
import LimeCompute

/// Fused softmax + cross-entropy over rows of logits.
public enum CrossEntropy {
    typealias V = SIMD8<Float>

    /// Per row `r`: `losses[r] = logsumexp(z_r) - z_r[targets[r]]` (0 when the target is
    /// negative, i.e. ignored). When `gradScale` is given, `logits` is overwritten by
    /// `(softmax(z_r) - onehot) * gradScale` (zero rows for ignored targets).
    public static func forward(
        logits: UnsafeMutablePointer<Float>, targets: UnsafePointer<Int32>, losses: UnsafeMutablePointer<Float>,
        rows: Int, vocab: Int, gradScale: Float?, pool: ThreadPool
    ) {
        pool.forEachChunk(rows, chunk: 8, Rows(logits: logits, targets: targets, losses: losses, vocab: vocab, gradScale: gradScale))
    }

    private struct Rows: ChunkJob {
        let logits: UnsafeMutablePointer<Float>, targets: UnsafePointer<Int32>, losses: UnsafeMutablePointer<Float>
        let vocab: Int, gradScale: Float?
        func run(_ range: Range<Int>, chunk: Int, thread: Int) {
            for r in range {
                let z = logits + r * vocab
                let target = Int(targets[r])
                if target < 0 {
                    losses[r] = 0
                    if gradScale != nil { for j in 0..<vocab { z[j] = 0 } }
                    continue
                }
                let zt = z[target]
                let vectorEnd = vocab & ~7
                var mv = V(repeating: -.infinity)
                var j = 0
                while j < vectorEnd { let x = load(z + j); mv = mv.replacing(with: x, where: x .> mv); j += 8 }
                var mx = mv.max()
                while j < vocab { mx = max(mx, z[j]); j += 1 }
                let mxv = V(repeating: mx)
                var sv = V()
                var tail: Float = 0
                j = 0
                if let scale = gradScale {
                    while j < vectorEnd { let e = FastMath.exp(load(z + j) - mxv); store(e, z + j); sv += e; j += 8 }
                    while j < vocab { let e = FastMath.exp(z[j] - mx); z[j] = e; tail += e; j += 1 }
                    let sum = sv.sum() + tail
                    let f = scale / sum
                    for i in 0..<vocab { z[i] *= f }
                    z[target] -= scale
                    losses[r] = log(sum) + mx - zt
                } else {
                    while j < vectorEnd { sv += FastMath.exp(load(z + j) - mxv); j += 8 }
                    while j < vocab { tail += FastMath.exp(z[j] - mx); j += 1 }
                    losses[r] = log(sv.sum() + tail) + mx - zt
                }
            }
        }
    }

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    @inline(__always) static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }
}
