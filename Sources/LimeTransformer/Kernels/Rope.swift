import Foundation
import LimeCompute

/// Rotary position embedding over the q and k parts of fused `[q | k | v]` rows.
///
/// Dimension pairs are `(j, j + headDim/2)` (the split-half convention); position `t` rotates
/// pair `j` by `t * base^(-2j/headDim)`.
public final class Rope {
    public let maxLength: Int
    public let headDim: Int
    private let cosTable: UnsafeMutablePointer<Float>
    private let sinTable: UnsafeMutablePointer<Float>

    /// Precomputes angles for positions `0..<maxLength` (in Double, rounded once).
    public init(maxLength: Int, headDim: Int, base: Double = 10_000) {
        precondition(headDim % 2 == 0, "RoPE needs an even head dimension, got \(headDim)")
        self.maxLength = maxLength
        self.headDim = headDim
        let half = headDim / 2
        let c = FloatBuffer.allocate(maxLength * half), s = FloatBuffer.allocate(maxLength * half)
        for t in 0..<maxLength {
            for j in 0..<half {
                let angle = Double(t) * pow(base, -2 * Double(j) / Double(headDim))
                c[t * half + j] = Float(cos(angle))
                s[t * half + j] = Float(sin(angle))
            }
        }
        cosTable = c
        sinTable = s
    }

    deinit {
        cosTable.deallocate()
        sinTable.deallocate()
    }

    /// Rotates q and k of `rows` fused rows (row `r` is position `r % length`) in place;
    /// `inverse` rotates back (the backward pass for gradients).
    public func apply(
        _ qkv: UnsafeMutablePointer<Float>, rows: Int, length: Int, heads: Int, rowStride: Int,
        inverse: Bool, pool: ThreadPool
    ) {
        precondition(length <= maxLength, "sequence length \(length) exceeds RoPE table \(maxLength)")
        pool.forEachChunk(rows, chunk: 32, Rotate(
            qkv: qkv, cos: cosTable, sin: sinTable, length: length, heads: heads, headDim: headDim,
            rowStride: rowStride, sign: inverse ? -1 : 1))
    }

    private struct Rotate: ChunkJob {
        let qkv: UnsafeMutablePointer<Float>, cos: UnsafePointer<Float>, sin: UnsafePointer<Float>
        let length: Int, heads: Int, headDim: Int, rowStride: Int, sign: Float
        func run(_ range: Range<Int>, chunk: Int, thread: Int) {
            let half = headDim / 2, d = heads * headDim
            for r in range {
                let t = r % length
                let cr = cos + t * half, sr = sin + t * half
                for part in 0..<2 {
                    for h in 0..<heads {
                        let x = qkv + r * rowStride + part * d + h * headDim
                        for j in 0..<half {
                            let a = x[j], b = x[j + half]
                            let c = cr[j], s = sign * sr[j]
                            x[j] = a * c - b * s
                            x[j + half] = a * s + b * c
                        }
                    }
                }
            }
        }
    }
}
