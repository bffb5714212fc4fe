/// Global-norm gradient clipping over a flat gradient buffer.
public enum GradientClipping {
    /// The L2 norm of `grads[0..<count]`, summed in Double over fixed 64K chunks in order.
    public static func norm(_ grads: UnsafePointer<Float>, count: Int) -> Float {
        var total: Double = 0
        var start = 0
        while start < count {
            let end = min(count, start + 1 << 16)
            var s: Float = 0
            for i in start..<end { s += grads[i] * grads[i] }
            total += Double(s)
            start = end
        }
        return Float(total.squareRoot())
    }

    /// Scales gradients so their global norm is at most `maxNorm`; returns the norm before.
    @discardableResult
    public static func clip(_ grads: UnsafeMutablePointer<Float>, count: Int, maxNorm: Float) -> Float {
        let n = norm(grads, count: count)
        if n > maxNorm, n > 0 {
            let f = maxNorm / n
            for i in 0..<count { grads[i] *= f }
        }
        return n
    }
}
