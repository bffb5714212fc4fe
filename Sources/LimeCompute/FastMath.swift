/// Vectorized elementary functions (Cephes-style polynomials, about 2 ulp).
public enum FastMath {
    public typealias V = SIMD8<Float>

    /// e^x per lane; inputs are clamped to [-87.3, 88.3].
    @inlinable @inline(__always)
    public static func exp(_ input: V) -> V {
        var x0 = input.replacing(with: -87.3, where: input .< -87.3)
        x0 = x0.replacing(with: 88.3, where: x0 .> 88.3)
        let scaled: V = x0 * 1.442_695_04 + 0.5
        let fx: V = scaled.rounded(.down)
        var x: V = x0 - fx * 0.693_359_375
        x = x + fx * 2.121_944_4e-4
        let z: V = x * x
        var y = V(repeating: 1.987_569_15e-4)
        y = y * x + 1.398_199_95e-3
        y = y * x + 8.333_451_9e-3
        y = y * x + 4.166_579_59e-2
        y = y * x + 1.666_666_55e-1
        y = y * x + 5.000_000_12e-1
        y = y * z + x
        y = y + 1
        // fx is integral in [-127, 128]: adding 1.5 * 2^23 puts it in the low mantissa bits.
        let magic: V = fx + 12_582_912
        let n = unsafeBitCast(magic, to: SIMD8<UInt32>.self) &- 0x4B40_0000
        let bits = (n &+ 127) &<< 23
        return y * unsafeBitCast(bits, to: V.self)
    }

    /// e^x for one value through the vector path (same results as lanes of `exp`).
    @inlinable @inline(__always)
    public static func exp(_ x: Float) -> Float { exp(V(repeating: x))[0] }

    /// tanh(x) = 1 - 2 / (e^{2x} + 1).
    @inlinable @inline(__always)
    public static func tanh(_ x: V) -> V {
        let e: V = exp(x + x) + 1
        return 1 - 2 / e
    }
}

/// Sums `chunks` partial rows of `width` floats, in chunk order, into `out` (= or +=).
@inlinable @inline(__always)
public func reducePartials(_ partials: UnsafePointer<Float>, chunks: Int, width: Int, into out: UnsafeMutablePointer<Float>, accumulate: Bool) {
    for j in 0..<width {
        var s: Float = accumulate ? out[j] : 0
        for c in 0..<chunks { s += partials[c * width + j] }
        out[j] = s
    }
}
