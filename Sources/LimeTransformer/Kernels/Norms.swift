import Foundation
import LimeCompute

/// RMSNorm: `y = x / sqrt(mean(x^2) + eps) * g` per row.
public enum RMSNorm {
    /// Rows per parallel chunk (also the granularity of the gain-gradient partials).
    public static let chunk = 32

    /// Forward over `rows x width`; saves `rstd` per row for the backward pass.
    public static func forward(
        _ x: UnsafePointer<Float>, gain: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>,
        rstd: UnsafeMutablePointer<Float>, rows: Int, width: Int, eps: Float = 1e-6, pool: ThreadPool
    ) {
        pool.forEachChunk(rows, chunk: chunk, Forward(x: x, gain: gain, out: out, rstd: rstd, width: width, eps: eps))
    }

    /// Backward: `dx += ∂L/∂x`, `dgain (= or +=) ∂L/∂g`. `partials` holds
    /// `ceil(rows / chunk) * width` floats of scratch.
    public static func backward(
        _ dy: UnsafePointer<Float>, x: UnsafePointer<Float>, gain: UnsafePointer<Float>,
        rstd: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, dgain: UnsafeMutablePointer<Float>,
        accumulateGain: Bool, partials: UnsafeMutablePointer<Float>, rows: Int, width: Int, pool: ThreadPool
    ) {
        pool.forEachChunk(rows, chunk: chunk, Backward(dy: dy, x: x, gain: gain, rstd: rstd, dx: dx, partials: partials, width: width))
        reducePartials(partials, chunks: (rows + chunk - 1) / chunk, width: width, into: dgain, accumulate: accumulateGain)
    }

    private struct Forward: ChunkJob {
        let x: UnsafePointer<Float>, gain: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>
        let rstd: UnsafeMutablePointer<Float>, width: Int, eps: Float
        func run(_ range: Range<Int>, chunk: Int, thread: Int) {
            for r in range {
                let xr = x + r * width, yr = out + r * width
                var ss: Float = 0
                for j in 0..<width { ss += xr[j] * xr[j] }
                let s = 1 / (ss / Float(width) + eps).squareRoot()
                rstd[r] = s
                for j in 0..<width { yr[j] = xr[j] * s * gain[j] }
            }
        }
    }

    private struct Backward: ChunkJob {
        let dy, x, gain, rstd: UnsafePointer<Float>
        let dx, partials: UnsafeMutablePointer<Float>
        let width: Int
        func run(_ range: Range<Int>, chunk c: Int, thread: Int) {
            let part = partials + c * width
            for j in 0..<width { part[j] = 0 }
            for r in range {
                let xr = x + r * width, dyr = dy + r * width, dxr = dx + r * width
                let s = rstd[r]
                var dot: Float = 0
                for j in 0..<width { dot += dyr[j] * gain[j] * xr[j] * s }
                let mean = dot / Float(width)
                for j in 0..<width {
                    let n = xr[j] * s
                    dxr[j] += s * (dyr[j] * gain[j] - n * mean)
                    part[j] += dyr[j] * n
                }
            }
        }
    }
}

/// LayerNorm: `y = (x - mean) / sqrt(var + eps) * g + b` per row.
public enum LayerNorm {
    public static let chunk = 32

    /// Forward; saves `mean` and `rstd` per row.
    public static func forward(
        _ x: UnsafePointer<Float>, gain: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        out: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
        rows: Int, width: Int, eps: Float = 1e-5, pool: ThreadPool
    ) {
        pool.forEachChunk(rows, chunk: chunk, Forward(x: x, gain: gain, bias: bias, out: out, mean: mean, rstd: rstd, width: width, eps: eps))
    }

    /// Backward: `dx += ∂L/∂x`, `dgain`/`dbias` (= or +=). `partials` holds
    /// `2 * ceil(rows / chunk) * width` floats of scratch.
    public static func backward(
        _ dy: UnsafePointer<Float>, x: UnsafePointer<Float>, gain: UnsafePointer<Float>,
        mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
        dgain: UnsafeMutablePointer<Float>, dbias: UnsafeMutablePointer<Float>, accumulate: Bool,
        partials: UnsafeMutablePointer<Float>, rows: Int, width: Int, pool: ThreadPool
    ) {
        let chunks = (rows + chunk - 1) / chunk
        let biasPartials = partials + chunks * width
        pool.forEachChunk(rows, chunk: chunk, Backward(dy: dy, x: x, gain: gain, mean: mean, rstd: rstd, dx: dx, gainPartials: partials, biasPartials: biasPartials, width: width))
        reducePartials(partials, chunks: chunks, width: width, into: dgain, accumulate: accumulate)
        reducePartials(biasPartials, chunks: chunks, width: width, into: dbias, accumulate: accumulate)
    }

    private struct Forward: ChunkJob {
        let x, gain, bias: UnsafePointer<Float>
        let out, mean, rstd: UnsafeMutablePointer<Float>
        let width: Int, eps: Float
        func run(_ range: Range<Int>, chunk: Int, thread: Int) {
            for r in range {
                let xr = x + r * width, yr = out + r * width
                var sum: Float = 0
                for j in 0..<width { sum += xr[j] }
                let mu = sum / Float(width)
                var v: Float = 0
                for j in 0..<width { v += (xr[j] - mu) * (xr[j] - mu) }
                let s = 1 / (v / Float(width) + eps).squareRoot()
                mean[r] = mu
                rstd[r] = s
                for j in 0..<width { yr[j] = (xr[j] - mu) * s * gain[j] + bias[j] }
            }
        }
    }

    private struct Backward: ChunkJob {
        let dy, x, gain, mean, rstd: UnsafePointer<Float>
        let dx, gainPartials, biasPartials: UnsafeMutablePointer<Float>
        let width: Int
        func run(_ range: Range<Int>, chunk c: Int, thread: Int) {
            let pg = gainPartials + c * width, pb = biasPartials + c * width
            for j in 0..<width { pg[j] = 0; pb[j] = 0 }
            for r in range {
                let xr = x + r * width, dyr = dy + r * width, dxr = dx + r * width
                let s = rstd[r], mu = mean[r]
                var sumG: Float = 0, sumGN: Float = 0
                for j in 0..<width {
                    let g = dyr[j] * gain[j]
                    sumG += g
                    sumGN += g * (xr[j] - mu) * s
                }
                let m1 = sumG / Float(width), m2 = sumGN / Float(width)
                for j in 0..<width {
                    let n = (xr[j] - mu) * s
                    dxr[j] += s * (dyr[j] * gain[j] - m1 - n * m2)
                    pg[j] += dyr[j] * n
                    pb[j] += dyr[j]
                }
            }
        }
    }
}
