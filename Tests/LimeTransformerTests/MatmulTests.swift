import LimeCompute
import Testing
@testable import LimeTransformer

@Suite struct MatmulTests {
    /// Naive Double reference of op(A)·op(B).
    func reference(_ m: Int, _ n: Int, _ k: Int, _ a: Buf, _ ta: Bool, _ b: Buf, _ tb: Bool) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n {
            var s = 0.0
            for p in 0..<k {
                let av = ta ? a[p * m + i] : a[i * k + p]
                let bv = tb ? b[j * k + p] : b[p * n + j]
                s += Double(av) * Double(bv)
            }
            c[i * n + j] = s
        } }
        return c
    }

    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func matchesNaiveProductForAllTransposes(_ ta: Bool, _ tb: Bool) {
        var rng = Xoshiro256(seed: 11)
        let engine = Matmul(pool: ThreadPool(threads: 2))
        for (m, n, k) in [(1, 1, 1), (7, 19, 5), (13, 33, 300), (150, 40, 260), (70, 2100, 9)] {
            let a = Buf(random: m * k, &rng), b = Buf(random: k * n, &rng), c = Buf(random: m * n, &rng)
            let before = c.array
            let opA = GemmOperand(a.p, ld: ta ? m : k, transposed: ta)
            let opB = GemmOperand(b.p, ld: tb ? k : n, transposed: tb)
            engine.multiply(m: m, n: n, k: k, a: opA, b: opB, c: c.p, ldc: n)
            let ref = reference(m, n, k, a, ta, b, tb)
            let err = (0..<(m * n)).map { abs(Double(c[$0]) - ref[$0]) }.max()!
            #expect(err < 1e-4 * Double(k), "shape \(m)x\(k)x\(n) max error \(err)")
            engine.multiply(m: m, n: n, k: k, a: opA, b: opB, c: c.p, ldc: n, accumulate: true)
            let accErr = (0..<(m * n)).map { abs(Double(c[$0]) - 2 * ref[$0]) }.max()!
            #expect(accErr < 2e-4 * Double(k))
            #expect(c.array != before)
        }
    }

    @Test func resultsAreIdenticalForAnyThreadCount() {
        var rng = Xoshiro256(seed: 5)
        let (m, n, k) = (300, 200, 600)
        let a = Buf(random: m * k, &rng), b = Buf(random: k * n, &rng)
        var outputs: [[Float]] = []
        for threads in [1, 2, 3] {
            let c = Buf(m * n)
            Matmul(pool: ThreadPool(threads: threads)).multiply(m: m, n: n, k: k, a: GemmOperand(a.p, ld: k), b: GemmOperand(b.p, ld: n), c: c.p, ldc: n)
            outputs.append(c.array)
        }
        #expect(outputs[0] == outputs[1])
        #expect(outputs[0] == outputs[2])
    }

    @Test func zeroDepthClearsOrKeepsOutput() {
        let c = Buf(6)
        for i in 0..<6 { c[i] = 3 }
        let dummy = Buf(1)
        let engine = Matmul(pool: ThreadPool(threads: 1))
        engine.multiply(m: 2, n: 3, k: 0, a: GemmOperand(dummy.p, ld: 1), b: GemmOperand(dummy.p, ld: 3), c: c.p, ldc: 3, accumulate: true)
        #expect(c.array == [Float](repeating: 3, count: 6))
        engine.multiply(m: 2, n: 3, k: 0, a: GemmOperand(dummy.p, ld: 1), b: GemmOperand(dummy.p, ld: 3), c: c.p, ldc: 3)
        #expect(c.array == [Float](repeating: 0, count: 6))
    }
}
