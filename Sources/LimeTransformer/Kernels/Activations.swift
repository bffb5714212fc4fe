import LimeCompute
/// GELU (tanh approximation) and the gated GeGLU unit built on it.
public enum GELU {
    static let s: Float = 0.797_884_56  // sqrt(2 / pi)
    static let c: Float = 0.044_715
    typealias V = SIMD8<Float>

    /// (gelu(x), gelu'(x)) per lane.
    @inline(__always)
    static func valueAndSlope(_ x: V) -> (V, V) {
        let x2: V = x * x
        let inner: V = c * x2 + 1
        let t: V = FastMath.tanh(s * x * inner)
        let half: V = 0.5 * (1 + t)
        let value: V = x * half
        let dInner: V = (3 * c) * x2 + 1
        let sech2: V = 1 - t * t
        let slope: V = half + (0.5 * s) * x * sech2 * dInner
        return (value, slope)
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ n: Int) -> V {
        if n >= 8 { return UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        var v = V()
        for i in 0..<n { v[i] = p[i] }
        return v
    }

    @inline(__always)
    static func store(_ v: V, _ p: UnsafeMutablePointer<Float>, _ n: Int) {
        if n >= 8 { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self); return }
        for i in 0..<n { p[i] = v[i] }
    }

    /// `y = gelu(x)` elementwise.
    public static func forward(_ x: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, count: Int, pool: ThreadPool) {
        pool.forEachChunk(count, chunk: 1 << 14, Elementwise(x: x, dy: nil, out: out))
    }

    /// `dx = dy * gelu'(x)` elementwise.
    public static func backward(_ dy: UnsafePointer<Float>, x: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, count: Int, pool: ThreadPool) {
        pool.forEachChunk(count, chunk: 1 << 14, Elementwise(x: x, dy: dy, out: dx))
    }

    private struct Elementwise: ChunkJob {
        let x: UnsafePointer<Float>, dy: UnsafePointer<Float>?, out: UnsafeMutablePointer<Float>
        func run(_ range: Range<Int>, chunk: Int, thread: Int) {
            var i = range.lowerBound
            while i < range.upperBound {
                let n = min(8, range.upperBound - i)
                let (value, slope) = valueAndSlope(load(x + i, n))
                if let dy { store(load(dy + i, n) * slope, out + i, n) } else { store(value, out + i, n) }
                i += 8
            }
        }
    }
}

/// GeGLU: rows of `u = [gate | up]` (width `2f`) give `m = gelu(gate) * up` (width `f`).
public enum GeGLU {
    /// Forward over `rows` rows.
    public static func forward(_ u: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, rows: Int, width f: Int, pool: ThreadPool) {
        pool.forEachChunk(rows, chunk: 16, Forward(u: u, out: out, f: f))
    }

    /// Backward: writes `du = [dgate | dup]` from `dm`.
    public static func backward(_ dm: UnsafePointer<Float>, u: UnsafePointer<Float>, du: UnsafeMutablePointer<Float>, rows: Int, width f: Int, pool: ThreadPool) {
        pool.forEachChunk(rows, chunk: 16, Backward(dm: dm, u: u, du: du, f: f))
    }

    private struct Forward: ChunkJob {
        let u: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, f: Int
        func run(_ range: Range<Int>, chunk: Int, thread: Int) {
            for r in range {
                let gate = u + r * 2 * f, up = gate + f, m = out + r * f
                var j = 0
                while j < f {
                    let n = min(8, f - j)
                    GELU.store(GELU.valueAndSlope(GELU.load(gate + j, n)).0 * GELU.load(up + j, n), m + j, n)
                    j += 8
                }
            }
        }
    }

    private struct Backward: ChunkJob {
        let dm: UnsafePointer<Float>, u: UnsafePointer<Float>, du: UnsafeMutablePointer<Float>, f: Int
        func run(_ range: Range<Int>, chunk: Int, thread: Int) {
            for r in range {
                let gate = u + r * 2 * f, up = gate + f, d = dm + r * f
                let dgate = du + r * 2 * f, dup = dgate + f
                var j = 0
                while j < f {
                    let n = min(8, f - j)
                    let (g, slope) = GELU.valueAndSlope(GELU.load(gate + j, n))
                    let dv = GELU.load(d + j, n)
                    GELU.store(dv * GELU.load(up + j, n) * slope, dgate + j, n)
                    GELU.store(dv * g, dup + j, n)
                    j += 8
                }
            }
        }
    }
}

/// Residual connection: `out = a + b` elementwise (`out` may alias `a`).
public enum Residual {
    public static func add(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, count: Int, pool: ThreadPool) {
        pool.forEachChunk(count, chunk: 1 << 15, Add(a: a, b: b, out: out))
    }

    private struct Add: ChunkJob {
        let a, b: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>
        func run(_ range: Range<Int>, chunk: Int, thread: Int) {
            for i in range { out[i] = a[i] + b[i] }
        }
    }
}
