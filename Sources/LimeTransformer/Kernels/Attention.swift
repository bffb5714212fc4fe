import LimeCompute
/// Causal multi-head self-attention over fused `[q | k | v]` rows (after RoPE).
///
/// Each (sequence, head) pair is one task on the pool; its score matrix is computed with the
/// SIMD matmul on the task's thread, so results are thread-count independent.
public enum Attention {
    /// Query rows per causal block (a multiple of the micro-kernel's 6 rows).
    static let block = 48

    /// Softmax of `scale * row[0..<count]` in place (vectorized), zeros in `count..<width`.
    @inline(__always)
    static func causalSoftmax(_ row: UnsafeMutablePointer<Float>, count n: Int, width: Int, scale: Float) {
        typealias V = SIMD8<Float>
        var mx = -Float.infinity
        for j in 0..<n { mx = max(mx, row[j]) }
        let shift = V(repeating: mx * scale), vs = V(repeating: scale)
        var acc = V()
        var j = 0
        while j < n {
            let lanes = min(8, n - j)
            var e = FastMath.exp(GELU.load(row + j, lanes) * vs - shift)
            if lanes < 8 { for l in lanes..<8 { e[l] = 0 } }
            GELU.store(e, row + j, lanes)
            acc += e
            j += 8
        }
        let inv = V(repeating: 1 / acc.sum())
        j = 0
        while j < n {
            let lanes = min(8, n - j)
            GELU.store(GELU.load(row + j, lanes) * inv, row + j, lanes)
            j += 8
        }
        for j in n..<width { row[j] = 0 }
    }

    /// `out[b, t, h] = softmax(q kᵀ / sqrt(hd), causal) v`; keeps probabilities in
    /// `probs` (`batch * heads * length * length`).
    public static func forward(
        qkv: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
        batch: Int, length: Int, heads: Int, headDim: Int, matmul: Matmul
    ) {
        matmul.pool.run(tasks: batch * heads, job: Forward(qkv: qkv, out: out, probs: probs, length: length, heads: heads, headDim: headDim, matmul: matmul))
    }

    private struct Forward: ParallelJob {
        let qkv: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>
        let length: Int, heads: Int, headDim: Int
        unowned(unsafe) let matmul: Matmul
        func run(task: Int, thread: Int) {
            let d = heads * headDim, stride = 3 * d, t = length
            let scale = 1 / Float(headDim).squareRoot()
            let b = task / heads, h = task % heads
            let q = qkv + b * t * stride + h * headDim
            let p = probs + task * t * t
            // Scores only for keys at or before each query block (causal), then softmax.
            var i0 = 0
            while i0 < t {
                let i1 = min(t, i0 + Attention.block)
                matmul.multiplySerial(
                    m: i1 - i0, n: i1, k: headDim, a: GemmOperand(q + i0 * stride, ld: stride),
                    b: GemmOperand(q + d, ld: stride, transposed: true), c: p + i0 * t, ldc: t, thread: thread)
                i0 = i1
            }
            for i in 0..<t { Attention.causalSoftmax(p + i * t, count: i + 1, width: t, scale: scale) }
            i0 = 0
            while i0 < t {
                let i1 = min(t, i0 + Attention.block)
                matmul.multiplySerial(
                    m: i1 - i0, n: headDim, k: i1, a: GemmOperand(p + i0 * t, ld: t), b: GemmOperand(q + 2 * d, ld: stride),
                    c: out + (b * t + i0) * d + h * headDim, ldc: d, thread: thread)
                i0 = i1
            }
        }
    }

    /// Writes `dqkv` (all three parts) from `dout`. `scratch` holds `threads * length^2` floats.
    public static func backward(
        dout: UnsafePointer<Float>, qkv: UnsafePointer<Float>, probs: UnsafePointer<Float>,
        dqkv: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>,
        batch: Int, length: Int, heads: Int, headDim: Int, matmul: Matmul
    ) {
        matmul.pool.run(tasks: batch * heads, job: Backward(
            dout: dout, qkv: qkv, probs: probs, dqkv: dqkv, scratch: scratch, length: length, heads: heads, headDim: headDim, matmul: matmul))
    }

    private struct Backward: ParallelJob {
        let dout, qkv, probs: UnsafePointer<Float>
        let dqkv, scratch: UnsafeMutablePointer<Float>
        let length: Int, heads: Int, headDim: Int
        unowned(unsafe) let matmul: Matmul
        func run(task: Int, thread: Int) {
            let d = heads * headDim, stride = 3 * d, t = length
            let scale = 1 / Float(headDim).squareRoot()
            let b = task / heads, h = task % heads
            let q = qkv + b * t * stride + h * headDim
            let dq = dqkv + b * t * stride + h * headDim
            let p = probs + task * t * t
            let dO = dout + b * t * d + h * headDim
            let ds = scratch + thread * t * t
            // dP = dO · Vᵀ on the causal blocks (entries right of the diagonal are unused).
            var i0 = 0
            while i0 < t {
                let i1 = min(t, i0 + Attention.block)
                matmul.multiplySerial(
                    m: i1 - i0, n: i1, k: headDim, a: GemmOperand(dO + i0 * d, ld: d),
                    b: GemmOperand(q + 2 * d, ld: stride, transposed: true), c: ds + i0 * t, ldc: t, thread: thread)
                i0 = i1
            }
            // dS = P ∘ (dP - rowsum(P ∘ dP)) * scale
            for i in 0..<t {
                let pr = p + i * t, dr = ds + i * t
                var dot: Float = 0
                for j in 0...i { dot += pr[j] * dr[j] }
                for j in 0...i { dr[j] = pr[j] * (dr[j] - dot) * scale }
                for j in (i + 1)..<t { dr[j] = 0 }
            }
            i0 = 0
            while i0 < t {
                let i1 = min(t, i0 + Attention.block)
                // dQ[i0..<i1] = dS[i0..<i1, 0..<i1] · K[0..<i1]
                matmul.multiplySerial(
                    m: i1 - i0, n: headDim, k: i1, a: GemmOperand(ds + i0 * t, ld: t), b: GemmOperand(q + d, ld: stride),
                    c: dq + i0 * stride, ldc: stride, thread: thread)
                // dK[j0..<j1] = dS[j0..<t, j0..<j1]ᵀ · Q[j0..<t], dV likewise with P and dO.
                let j0 = i0, j1 = i1
                matmul.multiplySerial(
                    m: j1 - j0, n: headDim, k: t - j0, a: GemmOperand(ds + j0 * t + j0, ld: t, transposed: true),
                    b: GemmOperand(q + j0 * stride, ld: stride), c: dq + d + j0 * stride, ldc: stride, thread: thread)
                matmul.multiplySerial(
                    m: j1 - j0, n: headDim, k: t - j0, a: GemmOperand(p + j0 * t + j0, ld: t, transposed: true),
                    b: GemmOperand(dO + j0 * d, ld: d), c: dq + 2 * d + j0 * stride, ldc: stride, thread: thread)
                i0 = i1
            }
        }
    }
}
