import LimeCompute
import Testing
@testable import LimeText

@Suite struct WeightTableTests {
    /// Random sparse weights: keys with one entry (stored inline) and with several (out of line).
    static func randomWeights(keys count: Int, classes: Int, seed: UInt64) -> (SparseWeights, [UInt64: [(Int, Float)]]) {
        var rng = SplitMix64(seed: seed)
        var rows: [UInt64: [(Int, Float)]] = [:]
        while rows.count < count {
            let key = rng.next() | 1
            let n = Int(rng.next() % 4) + 1
            var used = Set<Int>()
            var row: [(Int, Float)] = []
            for _ in 0..<n {
                let c = Int(rng.next() % UInt64(classes))
                guard used.insert(c).inserted else { continue }
                // Values exactly representable in Float16, as stored.
                row.append((c, Float(Int(rng.next() % 2001) - 1000) / 64))
            }
            rows[key] = row
        }
        let keys = rows.keys.sorted()
        let weights = SparseWeights(classes: classes, keys: keys,
                                    rows: keys.map { k in rows[k]!.map { (UInt8($0.0), $0.1) } })
        return (weights, rows)
    }

    @Test func scoresEqualTheSumOfStoredEntries() {
        let classes = 37
        let (weights, rows) = Self.randomWeights(keys: 20_000, classes: classes, seed: 7)
        let stored = Array(rows.keys)
        var rng = SplitMix64(seed: 11)
        var features = [UInt64](repeating: 0, count: 40)
        var scores = [Float](repeating: .nan, count: classes)
        for _ in 0..<2_000 {
            // Half known keys, half keys the table does not hold (they must add nothing).
            for f in 0..<features.count {
                features[f] = f % 2 == 0 ? stored[Int(rng.next() % UInt64(stored.count))] : rng.next() | 1
            }
            var expected = [Float](repeating: 0, count: classes)
            for key in features { for (c, w) in rows[key] ?? [] { expected[c] += w } }
            features.withUnsafeBufferPointer { f in
                scores.withUnsafeMutableBufferPointer { weights.table.score(f.baseAddress!, f.count, into: $0.baseAddress!) }
            }
            #expect(scores == expected)
        }
    }

    @Test func keysWhoseHighBitsAreZeroStillMatch() {
        // A zero fingerprint marks an empty slot; such keys are stored under fingerprint 1.
        let keys: [UInt64] = [5, 0x2_0000_0009, 0x3_0000_0005]
        let weights = SparseWeights(classes: 3, keys: keys, rows: [[(0, 1)], [(2, 4), (0, 0.5)], [(1, 2)]])
        var scores = [Float](repeating: 0, count: 3)
        for (key, expected) in zip(keys, [[Float(1), 0, 0], [0.5, 0, 4], [0, 2, 0]]) {
            [key].withUnsafeBufferPointer { f in
                scores.withUnsafeMutableBufferPointer { weights.table.score(f.baseAddress!, 1, into: $0.baseAddress!) }
            }
            #expect(scores == expected)
        }
    }

    @Test func entriesPastTwoToTheTwentyThreeStayAddressable() {
        // 3M keys of 3 entries: 9M out-of-line entries, past 2^23 (a start offset that once
        // ran into the inline flag). Every 1,000th key is checked, the last ones included.
        let keyCount = 3_000_000
        let keys = (0..<keyCount).map { UInt64($0 + 1) &* 0x9e37_79b9_7f4a_7c15 | 1 }.sorted()
        let counts = [UInt8](repeating: 3, count: keyCount)
        var entryClasses = [UInt8](), entryWeights = [Float]()
        entryClasses.reserveCapacity(keyCount * 3)
        entryWeights.reserveCapacity(keyCount * 3)
        for k in 0..<keyCount {
            for c in 0..<3 {
                entryClasses.append(UInt8((k + c * 7) % 37))
                entryWeights.append(Float(k % 512) / 16 + Float(c))
            }
        }
        let weights = SparseWeights(classes: 37, keys: keys, counts: counts, entryClasses: entryClasses, entryWeights: entryWeights)
        var scores = [Float](repeating: 0, count: 37)
        for k in stride(from: keyCount - 1, through: 0, by: -1000) {
            [keys[k]].withUnsafeBufferPointer { f in
                scores.withUnsafeMutableBufferPointer { weights.table.score(f.baseAddress!, 1, into: $0.baseAddress!) }
            }
            var expected = [Float](repeating: 0, count: 37)
            for c in 0..<3 { expected[(k + c * 7) % 37] += Float(k % 512) / 16 + Float(c) }
            #expect(scores == expected, "key \(k)")
        }
    }

    /// Huge-page memory is 2 MiB aligned (what lets the kernel back it with huge pages) and
    /// holds what is written, small requests included.
    @Test func hugePageMemoryIsAlignedAndUsable() {
        for count in [0, 1, 1000, 3 << 20] {
            let p = HugePageMemory.allocate(UInt32.self, count: count)
            #expect(Int(bitPattern: p) % HugePageMemory.alignment == 0, "count \(count)")
            for i in stride(from: 0, to: max(1, count), by: 4093) { p[i] = UInt32(truncatingIfNeeded: i &* 31) }
            for i in stride(from: 0, to: max(1, count), by: 4093) { #expect(p[i] == UInt32(truncatingIfNeeded: i &* 31)) }
            HugePageMemory.release(p)
        }
    }
}
