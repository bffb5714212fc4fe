import Foundation
import LimeCompute

/// Times `Matmul.multiply` on random row-major operands.
public enum MatmulBenchmark {
    /// One measurement: the best of `repeats` timed runs after a warm-up.
    public struct Result: Sendable {
        public let m: Int, k: Int, n: Int, threads: Int
        public let transposeA: Bool, transposeB: Bool
        public let seconds: Double
        public var gflops: Double { 2.0 * Double(m) * Double(k) * Double(n) / seconds / 1e9 }
    }

    /// Multiplies an `m x k` by a `k x n` matrix `repeats` times and keeps the fastest;
    /// `transposeA` stores A as `k x m`, `transposeB` stores B as `n x k` (the backward-pass forms).
    public static func run(m: Int, k: Int, n: Int, threads: Int, transposeA: Bool = false, transposeB: Bool = false, repeats: Int = 5, seed: UInt64 = 1) -> Result {
        let pool = ThreadPool(threads: threads)
        let engine = Matmul(pool: pool)
        var rng = Xoshiro256(seed: seed)
        let a = FloatBuffer.allocate(m * k), b = FloatBuffer.allocate(k * n), c = FloatBuffer.allocate(m * n)
        defer { a.deallocate(); b.deallocate(); c.deallocate() }
        for i in 0..<(m * k) { a[i] = rng.nextFloat() - 0.5 }
        for i in 0..<(k * n) { b[i] = rng.nextFloat() - 0.5 }
        let go = {
            engine.multiply(
                m: m, n: n, k: k, a: GemmOperand(a, ld: transposeA ? m : k, transposed: transposeA),
                b: GemmOperand(b, ld: transposeB ? k : n, transposed: transposeB), c: c, ldc: n)
        }
        go()
        var best = Double.infinity
        for _ in 0..<max(1, repeats) {
            let start = Timing.now()
            go()
            best = min(best, Timing.now() - start)
        }
        return Result(m: m, k: k, n: n, threads: pool.threadCount, transposeA: transposeA, transposeB: transposeB, seconds: best)
    }
}
