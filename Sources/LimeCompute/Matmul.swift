/// BLAS-free single-precision matrix multiply: `C (=|+=) op(A) · op(B)`.
///
/// Cache-blocked (BLIS loop order: columns by `nc`, depth by `kc`, rows by `mc`) around the
/// 6x16 SIMD micro-kernel. Work is split across the pool in bands of rows or columns; every
/// output element is computed by one task in a fixed depth order, so results do not depend
/// on the thread count. All packing buffers are preallocated: multiplying allocates nothing.
public final class Matmul: @unchecked Sendable {
    static let kc = 256
    static let mc = 144
    static let nc = 2048

    /// The pool this engine splits work across.
    public let pool: ThreadPool
    private let buffers: [GemmBuffers]

    /// Creates an engine with packing buffers for each of the pool's threads.
    public init(pool: ThreadPool) {
        self.pool = pool
        buffers = (0..<pool.threadCount).map { _ in GemmBuffers() }
    }

    /// `C[m x n] (= or +=) op(A)[m x k] · op(B)[k x n]`, split across the pool's threads.
    public func multiply(
        m: Int, n: Int, k: Int, a: GemmOperand, b: GemmOperand,
        c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool = false
    ) {
        let threads = pool.threadCount
        if threads == 1 || m * n * k < 1 << 18 {
            block(rows: 0..<m, cols: 0..<n, k: k, a: a, b: b, c: c, ldc: ldc, accumulate: accumulate, buffers: buffers[0])
            return
        }
        // Rows unless there are too few for a band of ~2 row blocks per thread: a row band
        // re-packs B, a column band re-packs A (slower when A is transposed).
        let splitRows = m >= n || m >= 2 * Matmul.mc * threads
        let unit = splitRows ? GemmKernel.mr : GemmKernel.nr
        let extent = splitRows ? m : n
        let units = (extent + unit - 1) / unit
        // Every band re-packs the other operand, so bands are few: a whole number per thread
        // (3 bands on 2 threads left one thread a third idle), up to 3 each when splitting
        // rows (bands of at least ~2 row blocks) so idle threads can pick up a descheduled
        // one's share, and one each when splitting columns (each band packs all of A again).
        let minBand = 2 * Matmul.mc
        let perThread = splitRows ? min(3, max(1, extent / minBand / threads)) : 1
        let parts = min(units, threads * perThread)
        pool.run(tasks: parts, job: Split(
            engine: self, m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, accumulate: accumulate,
            splitRows: splitRows, unit: unit, extent: extent, units: units, parts: parts))
    }

    /// One thread's share: a band of rows or columns.
    private struct Split: ParallelJob {
        unowned(unsafe) let engine: Matmul
        let m, n, k: Int
        let a, b: GemmOperand
        let c: UnsafeMutablePointer<Float>
        let ldc: Int, accumulate: Bool, splitRows: Bool
        let unit, extent, units, parts: Int
        func run(task: Int, thread: Int) {
            let lo = min(extent, (units * task / parts) * unit)
            let hi = min(extent, (units * (task + 1) / parts) * unit)
            if lo >= hi { return }
            engine.multiplySerial(
                rows: splitRows ? lo..<hi : 0..<m, cols: splitRows ? 0..<n : lo..<hi, k: k,
                a: a, b: b, c: c, ldc: ldc, accumulate: accumulate, thread: thread)
        }
    }

    /// The same product computed on the calling thread only, with thread `thread`'s buffers
    /// (for use inside a task already running on the pool).
    public func multiplySerial(
        m: Int, n: Int, k: Int, a: GemmOperand, b: GemmOperand,
        c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool = false, thread: Int
    ) {
        block(rows: 0..<m, cols: 0..<n, k: k, a: a, b: b, c: c, ldc: ldc, accumulate: accumulate, buffers: buffers[thread])
    }

    func multiplySerial(
        rows: Range<Int>, cols: Range<Int>, k: Int, a: GemmOperand, b: GemmOperand,
        c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, thread: Int
    ) {
        block(rows: rows, cols: cols, k: k, a: a, b: b, c: c, ldc: ldc, accumulate: accumulate, buffers: buffers[thread])
    }

    private func block(
        rows: Range<Int>, cols: Range<Int>, k: Int, a: GemmOperand, b: GemmOperand,
        c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, buffers: GemmBuffers
    ) {
        if k == 0 {
            if !accumulate {
                for i in rows { for j in cols { c[i * ldc + j] = 0 } }
            }
            return
        }
        let mr = GemmKernel.mr, nr = GemmKernel.nr
        var jc = cols.lowerBound
        while jc < cols.upperBound {
            let ncb = min(Matmul.nc, cols.upperBound - jc)
            var pc = 0
            while pc < k {
                let kcb = min(Matmul.kc, k - pc)
                GemmKernel.packB(b, p0: pc, kc: kcb, j0: jc, nc: ncb, into: buffers.packB)
                let add = accumulate || pc > 0
                var ic = rows.lowerBound
                while ic < rows.upperBound {
                    let mcb = min(Matmul.mc, rows.upperBound - ic)
                    GemmKernel.packA(a, i0: ic, mc: mcb, p0: pc, kc: kcb, into: buffers.packA)
                    var jr = 0
                    while jr < ncb {
                        let bp = UnsafePointer(buffers.packB + jr * kcb)
                        let cols = min(nr, ncb - jr)
                        var ir = 0
                        while ir < mcb {
                            GemmKernel.tile(
                                kcb, UnsafePointer(buffers.packA + ir * kcb), bp,
                                c + (ic + ir) * ldc + jc + jr, ldc,
                                rows: min(mr, mcb - ir), cols: cols, accumulate: add, scratch: buffers.tile)
                            ir += mr
                        }
                        jr += nr
                    }
                    ic += mcb
                }
                pc += kcb
            }
            jc += ncb
        }
    }
}

/// One thread's packing buffers (64-byte aligned, allocated once).
final class GemmBuffers {
    let packA: UnsafeMutablePointer<Float>
    let packB: UnsafeMutablePointer<Float>
    let tile: UnsafeMutablePointer<Float>

    init() {
        let aCount = (Matmul.mc + GemmKernel.mr) * Matmul.kc
        let bCount = (Matmul.nc + GemmKernel.nr) * Matmul.kc
        packA = FloatBuffer.allocate(aCount)
        packB = FloatBuffer.allocate(bCount)
        tile = FloatBuffer.allocate(GemmKernel.mr * GemmKernel.nr)
    }

    deinit {
        packA.deallocate()
        packB.deallocate()
        tile.deallocate()
    }
}

/// Aligned Float allocation helpers.
public enum FloatBuffer {
    /// A 64-byte aligned, zero-filled buffer of `count` floats; free with `deallocate()`.
    public static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * 4, alignment: 64)
        let p = raw.bindMemory(to: Float.self, capacity: max(1, count))
        p.initialize(repeating: 0, count: max(1, count))
        return p
    }
}
