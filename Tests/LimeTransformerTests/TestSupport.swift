import LimeCompute
@testable import LimeTransformer

/// Owned Float buffer for tests.
final class Buf {
    let count: Int
    let p: UnsafeMutablePointer<Float>
    init(_ count: Int) { self.count = count; p = FloatBuffer.allocate(count) }
    init(random count: Int, _ rng: inout Xoshiro256, scale: Float = 1) {
        self.count = count
        p = FloatBuffer.allocate(count)
        for i in 0..<count { p[i] = scale * (2 * rng.nextFloat() - 1) }
    }
    deinit { p.deallocate() }
    subscript(i: Int) -> Float { get { p[i] } set { p[i] = newValue } }
    var array: [Float] { Array(UnsafeBufferPointer(start: p, count: count)) }
    func copy(from other: Buf) { p.update(from: other.p, count: count) }
}

/// `sum_i w_i y_i` in Double.
func weightedSum(_ y: UnsafePointer<Float>, _ w: Buf) -> Double {
    var s = 0.0
    for i in 0..<w.count { s += Double(y[i]) * Double(w[i]) }
    return s
}

/// Largest `|analytic - numeric| / (tol_abs + |numeric|)` over sampled coordinates of `x`,
/// where numeric is the central difference of `loss` with step `h`.
func finiteDifferenceError(
    x: UnsafeMutablePointer<Float>, count: Int, analytic: (Int) -> Float, samples: Int = 24,
    h: Float = 1e-2, absTol: Double = 1e-3, seed: UInt64 = 7, loss: () -> Double
) -> Double {
    var rng = Xoshiro256(seed: seed)
    var worst = 0.0
    let indices = count <= samples ? Array(0..<count) : (0..<samples).map { _ in rng.nextInt(count) }
    for i in indices {
        let keep = x[i]
        x[i] = keep + h
        let up = loss()
        x[i] = keep - h
        let down = loss()
        x[i] = keep
        let numeric = (up - down) / Double(2 * h)
        let err = abs(Double(analytic(i)) - numeric) / (absTol + abs(numeric))
        worst = max(worst, err)
    }
    return worst
}
