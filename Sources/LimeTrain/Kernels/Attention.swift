/// Causal multi-head self-attention over fused `[q | k | v]` rows (after RoPE).
///
/// Each (sequence, head) pair is one task on the pool; its score matrix is computed with the
/// SIMD matmul on the task's thread, so results are thread-count independent.
public enum Attention {
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
            matmul.multiplySerial(
                m: t, n: t, k: headDim, a: GemmOperand(q, ld: stride),
                b: GemmOperand(q + d, ld: stride, transposed: true), c: p, ldc: t, thread: thread)
            for i in 0..<t {
                let row = p + i * t
                var mx = -Float.infinity
                for j in 0...i { row[j] *= scale; mx = max(mx, row[j]) }
                var sum: Float = 0
                for j in 0...i { let e = FastMath.exp(row[j] - mx); row[j] = e; sum += e }
                let inv = 1 / sum
                for j in 0...i { row[j] *= inv }
                for j in (i + 1)..<t { row[j] = 0 }
            }
            matmul.multiplySerial(
                m: t, n: headDim, k: t, a: GemmOperand(p, ld: t), b: GemmOperand(q + 2 * d, ld: stride),
                c: out + b * t * d + h * headDim, ldc: d, thread: thread)
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
            // dP = dO · Vᵀ
            matmul.multiplySerial(
                m: t, n: t, k: headDim, a: GemmOperand(dO, ld: d),
                b: GemmOperand(q + 2 * d, ld: stride, transposed: true), c: ds, ldc: t, thread: thread)
            // dS = P ∘ (dP - rowsum(P ∘ dP)) * scale
            for i in 0..<t {
                let pr = p + i * t, dr = ds + i * t
                var dot: Float = 0
                for j in 0...i { dot += pr[j] * dr[j] }
                for j in 0...i { dr[j] = pr[j] * (dr[j] - dot) * scale }
                for j in (i + 1)..<t { dr[j] = 0 }
            }
            // dQ = dS · K, dK = dSᵀ · Q, dV = Pᵀ · dO
            matmul.multiplySerial(
                m: t, n: headDim, k: t, a: GemmOperand(ds, ld: t), b: GemmOperand(q + d, ld: stride),
                c: dq, ldc: stride, thread: thread)
            matmul.multiplySerial(
                m: t, n: headDim, k: t, a: GemmOperand(ds, ld: t, transposed: true), b: GemmOperand(q, ld: stride),
                c: dq + d, ldc: stride, thread: thread)
            matmul.multiplySerial(
                m: t, n: headDim, k: t, a: GemmOperand(p, ld: t, transposed: true), b: GemmOperand(dO, ld: d),
                c: dq + 2 * d, ldc: stride, thread: thread)
        }
    }
}
