import LimeCompute
/// A small linear classifier on hidden states, `z = h · W + b` (`W` is `width x classes`),
/// and its backward: the metadata-prediction head uses one per metadata kind.
public enum LinearHead {
    /// `out[r] = h[r] · W + b` for `rows` hidden states.
    public static func forward(
        h: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        out: UnsafeMutablePointer<Float>, rows: Int, width: Int, classes: Int, matmul: Matmul
    ) {
        matmul.multiply(m: rows, n: classes, k: width, a: GemmOperand(h, ld: width), b: GemmOperand(weight, ld: classes), c: out, ldc: classes)
        for r in 0..<rows {
            let z = out + r * classes
            for j in 0..<classes { z[j] += bias[j] }
        }
    }

    /// From `dz = d loss / d z`: `dh += dz · Wᵀ` (always added: the head is one of several
    /// consumers of `h`), and `dW = hᵀ · dz`, `db = sum_r dz[r]` (or added with `accumulate`).
    /// Sums run in a fixed order, so results do not depend on the thread count.
    public static func backward(
        dz: UnsafePointer<Float>, h: UnsafePointer<Float>, weight: UnsafePointer<Float>, dh: UnsafeMutablePointer<Float>,
        dweight: UnsafeMutablePointer<Float>, dbias: UnsafeMutablePointer<Float>, accumulate: Bool,
        rows: Int, width: Int, classes: Int, matmul: Matmul
    ) {
        matmul.multiply(m: rows, n: width, k: classes, a: GemmOperand(dz, ld: classes), b: GemmOperand(weight, ld: classes, transposed: true), c: dh, ldc: width, accumulate: true)
        matmul.multiply(m: width, n: classes, k: rows, a: GemmOperand(h, ld: width, transposed: true), b: GemmOperand(dz, ld: classes), c: dweight, ldc: classes, accumulate: accumulate)
        if !accumulate { for j in 0..<classes { dbias[j] = 0 } }
        for r in 0..<rows {
            let g = dz + r * classes
            for j in 0..<classes { dbias[j] += g[j] }
        }
    }
}
