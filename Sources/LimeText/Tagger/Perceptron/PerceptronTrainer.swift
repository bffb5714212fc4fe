/// An averaged multiclass perceptron under training: one dense row of `classes` weights
/// per feature key, created on the first update that touches the feature. Averaging
/// uses the "w - u/c" trick (Daumé): `u` accumulates `c * delta`.
final class PerceptronTrainer {
    let classes: Int
    private var slotKeys: [UInt64]
    private var slotRows: [Int32]
    private var mask: Int
    private(set) var rowCount = 0
    private var weights: [Float] = []
    private var accumulated: [Float] = []
    /// The update clock: instances seen so far, plus one.
    private(set) var clock: Float = 1

    init(classes: Int, initialCapacity: Int = 1 << 16) {
        self.classes = classes
        slotKeys = [UInt64](repeating: 0, count: initialCapacity)
        slotRows = [Int32](repeating: -1, count: initialCapacity)
        mask = initialCapacity - 1
    }

    private func find(_ key: UInt64) -> Int {
        var slot = Int(truncatingIfNeeded: key) & mask
        while true {
            let k = slotKeys[slot]
            if k == key || k == 0 { return slot }
            slot = (slot + 1) & mask
        }
    }

    private func row(_ key: UInt64) -> Int? {
        let r = slotRows[find(key)]
        return r < 0 ? nil : Int(r)
    }

    private func rowCreating(_ key: UInt64) -> Int {
        var slot = find(key)
        if slotRows[slot] >= 0 { return Int(slotRows[slot]) }
        if (rowCount + 1) * 2 > slotKeys.count {
            grow()
            slot = find(key)
        }
        slotKeys[slot] = key
        slotRows[slot] = Int32(rowCount)
        weights.append(contentsOf: repeatElement(0, count: classes))
        accumulated.append(contentsOf: repeatElement(0, count: classes))
        rowCount += 1
        return rowCount - 1
    }

    private func grow() {
        let oldKeys = slotKeys, oldRows = slotRows
        slotKeys = [UInt64](repeating: 0, count: oldKeys.count * 2)
        slotRows = [Int32](repeating: -1, count: oldKeys.count * 2)
        mask = slotKeys.count - 1
        for (k, r) in zip(oldKeys, oldRows) where k != 0 {
            let slot = find(k)
            slotKeys[slot] = k
            slotRows[slot] = r
        }
    }

    /// Adds the current (not averaged) weights of `features` into `scores`.
    func score(_ features: UnsafePointer<UInt64>, _ count: Int, into scores: UnsafeMutablePointer<Float>) {
        for c in 0..<classes { scores[c] = 0 }
        weights.withUnsafeBufferPointer { w in
            for f in 0..<count {
                guard let r = row(features[f]) else { continue }
                let base = w.baseAddress! + r * classes
                for c in 0..<classes { scores[c] += base[c] }
            }
        }
    }

    /// Advances the clock by one instance.
    func tick() { clock += 1 }

    /// Rewards `truth` and penalizes `guess` on every feature (no-op when they agree).
    func update(_ features: UnsafePointer<UInt64>, _ count: Int, truth: Int, guess: Int) {
        guard truth != guess else { return }
        for f in 0..<count {
            let r = rowCreating(features[f]) * classes
            weights[r + truth] += 1
            accumulated[r + truth] += clock
            weights[r + guess] -= 1
            accumulated[r + guess] -= clock
        }
    }

    /// The averaged weights, dropping entries whose magnitude is below `threshold`.
    func averaged(threshold: Float) -> SparseWeights {
        var keys: [UInt64] = []
        var rows: [[(UInt8, Float)]] = []
        for (k, r) in zip(slotKeys, slotRows) where k != 0 && r >= 0 {
            var entries: [(UInt8, Float)] = []
            for c in 0..<classes {
                let i = Int(r) * classes + c
                // Rounded to Float16, the stored precision, so a saved model equals this one.
                let v = Float(Float16(weights[i] - accumulated[i] / clock))
                if abs(v) >= threshold { entries.append((UInt8(c), v)) }
            }
            if !entries.isEmpty {
                keys.append(k)
                rows.append(entries)
            }
        }
        let order = keys.indices.sorted { keys[$0] < keys[$1] }
        return SparseWeights(classes: classes, keys: order.map { keys[$0] }, rows: order.map { rows[$0] })
    }
}
