/// Register-tiled 6x16 micro-kernel and the packing routines feeding it.
///
/// Packed A strips hold `mr` rows per k step (`a[p * mr + i]`); packed B slivers hold `nr`
/// columns per k step (`b[p * nr + j]`); both are zero-padded so the kernel always runs a
/// full tile and every output element sums its products in the same k order.
enum GemmKernel {
    static let mr = 6
    static let nr = 16
    typealias V = SIMD8<Float>

    /// `c[0..<rows, 0..<cols] (= or +=) a-strip · b-sliver` over `kc` steps.
    @inline(__always)
    static func tile(
        _ kc: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
        _ c: UnsafeMutablePointer<Float>, _ ldc: Int, rows: Int, cols: Int,
        accumulate: Bool, scratch: UnsafeMutablePointer<Float>
    ) {
        var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V()
        var c30 = V(), c31 = V(), c40 = V(), c41 = V(), c50 = V(), c51 = V()
        var pa = a
        var pb = UnsafeRawPointer(b)
        for _ in 0..<kc {
            let b0 = pb.loadUnaligned(as: V.self)
            let b1 = pb.loadUnaligned(fromByteOffset: 32, as: V.self)
            var x = V(repeating: pa[0])
            c00 = c00.addingProduct(x, b0); c01 = c01.addingProduct(x, b1)
            x = V(repeating: pa[1])
            c10 = c10.addingProduct(x, b0); c11 = c11.addingProduct(x, b1)
            x = V(repeating: pa[2])
            c20 = c20.addingProduct(x, b0); c21 = c21.addingProduct(x, b1)
            x = V(repeating: pa[3])
            c30 = c30.addingProduct(x, b0); c31 = c31.addingProduct(x, b1)
            x = V(repeating: pa[4])
            c40 = c40.addingProduct(x, b0); c41 = c41.addingProduct(x, b1)
            x = V(repeating: pa[5])
            c50 = c50.addingProduct(x, b0); c51 = c51.addingProduct(x, b1)
            pa += 6
            pb += 64
        }
        if rows == mr && cols == nr {
            store(c00, c01, c, accumulate)
            store(c10, c11, c + ldc, accumulate)
            store(c20, c21, c + 2 * ldc, accumulate)
            store(c30, c31, c + 3 * ldc, accumulate)
            store(c40, c41, c + 4 * ldc, accumulate)
            store(c50, c51, c + 5 * ldc, accumulate)
            return
        }
        let t = UnsafeMutableRawPointer(scratch)
        t.storeBytes(of: c00, as: V.self); t.storeBytes(of: c01, toByteOffset: 32, as: V.self)
        t.storeBytes(of: c10, toByteOffset: 64, as: V.self); t.storeBytes(of: c11, toByteOffset: 96, as: V.self)
        t.storeBytes(of: c20, toByteOffset: 128, as: V.self); t.storeBytes(of: c21, toByteOffset: 160, as: V.self)
        t.storeBytes(of: c30, toByteOffset: 192, as: V.self); t.storeBytes(of: c31, toByteOffset: 224, as: V.self)
        t.storeBytes(of: c40, toByteOffset: 256, as: V.self); t.storeBytes(of: c41, toByteOffset: 288, as: V.self)
        t.storeBytes(of: c50, toByteOffset: 320, as: V.self); t.storeBytes(of: c51, toByteOffset: 352, as: V.self)
        for i in 0..<rows {
            let row = c + i * ldc
            for j in 0..<cols {
                row[j] = accumulate ? row[j] + scratch[i * nr + j] : scratch[i * nr + j]
            }
        }
    }

    @inline(__always)
    static func store(_ lo: V, _ hi: V, _ c: UnsafeMutablePointer<Float>, _ accumulate: Bool) {
        let p = UnsafeMutableRawPointer(c)
        if accumulate {
            p.storeBytes(of: p.loadUnaligned(as: V.self) + lo, as: V.self)
            p.storeBytes(of: p.loadUnaligned(fromByteOffset: 32, as: V.self) + hi, toByteOffset: 32, as: V.self)
        } else {
            p.storeBytes(of: lo, as: V.self)
            p.storeBytes(of: hi, toByteOffset: 32, as: V.self)
        }
    }

    /// Packs rows `i0..<i0+mc`, depth `p0..<p0+kc` of op(A) into `mr`-row strips.
    static func packA(_ a: GemmOperand, i0: Int, mc: Int, p0: Int, kc: Int, into dst: UnsafeMutablePointer<Float>) {
        var out = dst
        var ir = 0
        while ir < mc {
            let rows = min(mr, mc - ir)
            if a.transposed {
                // A stored k-major: element (i, p) at base[p * ld + i]; rows are contiguous.
                for p in 0..<kc {
                    let src = a.base + (p0 + p) * a.ld + i0 + ir
                    for i in 0..<rows { out[i] = src[i] }
                    for i in rows..<mr { out[i] = 0 }
                    out += mr
                }
            } else {
                let src = a.base + (i0 + ir) * a.ld + p0
                if rows == mr {
                    let ld = a.ld
                    for p in 0..<kc {
                        out[0] = src[p]; out[1] = src[ld + p]; out[2] = src[2 * ld + p]
                        out[3] = src[3 * ld + p]; out[4] = src[4 * ld + p]; out[5] = src[5 * ld + p]
                        out += mr
                    }
                } else {
                    for p in 0..<kc {
                        for i in 0..<rows { out[i] = src[i * a.ld + p] }
                        for i in rows..<mr { out[i] = 0 }
                        out += mr
                    }
                }
            }
            ir += mr
        }
    }

    /// Packs depth `p0..<p0+kc`, columns `j0..<j0+nc` of op(B) into `nr`-column slivers.
    static func packB(_ b: GemmOperand, p0: Int, kc: Int, j0: Int, nc: Int, into dst: UnsafeMutablePointer<Float>) {
        var out = dst
        var jr = 0
        while jr < nc {
            let cols = min(nr, nc - jr)
            if !b.transposed {
                // B stored row-major k x n: a sliver row is contiguous.
                if cols == nr {
                    for p in 0..<kc {
                        let src = UnsafeRawPointer(b.base + (p0 + p) * b.ld + j0 + jr)
                        let o = UnsafeMutableRawPointer(out)
                        o.storeBytes(of: src.loadUnaligned(as: V.self), as: V.self)
                        o.storeBytes(of: src.loadUnaligned(fromByteOffset: 32, as: V.self), toByteOffset: 32, as: V.self)
                        out += nr
                    }
                } else {
                    for p in 0..<kc {
                        let src = b.base + (p0 + p) * b.ld + j0 + jr
                        for j in 0..<cols { out[j] = src[j] }
                        for j in cols..<nr { out[j] = 0 }
                        out += nr
                    }
                }
            } else {
                // B stored n x k: element (p, j) at base[j * ld + p].
                let src = b.base + (j0 + jr) * b.ld + p0
                for p in 0..<kc {
                    for j in 0..<cols { out[j] = src[j * b.ld + p] }
                    for j in cols..<nr { out[j] = 0 }
                    out += nr
                }
            }
            jr += nr
        }
    }
}

/// A matrix operand: `base` with leading dimension `ld`, optionally transposed.
public struct GemmOperand {
    public var base: UnsafePointer<Float>
    public var ld: Int
    public var transposed: Bool
    public init(_ base: UnsafePointer<Float>, ld: Int, transposed: Bool = false) {
        self.base = base
        self.ld = ld
        self.transposed = transposed
    }
}
