/// Frozen perceptron weights for inference: an open-addressing table from feature key
/// to a run of (class, weight) entries, in stored form plus a `WeightTable` for
/// lookups. Immutable and shareable between threads.
struct SparseWeights: Sendable, Equatable {
    let classes: Int
    /// Feature keys in ascending order (the stored form).
    let keys: [UInt64]
    /// Entry count of each key, in key order.
    let counts: [UInt8]
    let entryClasses: [UInt8]
    let entryWeights: [Float]
    /// The lookup table built from the stored form.
    let table: WeightTable

    init(classes: Int, keys: [UInt64], rows: [[(UInt8, Float)]]) {
        self.init(classes: classes, keys: keys, counts: rows.map { UInt8($0.count) },
                  entryClasses: rows.flatMap { $0.map { $0.0 } },
                  entryWeights: rows.flatMap { $0.map { $0.1 } })
    }

    init(classes: Int, keys: [UInt64], counts: [UInt8], entryClasses: [UInt8], entryWeights: [Float]) {
        self.classes = classes
        self.keys = keys
        self.counts = counts
        self.entryClasses = entryClasses
        self.entryWeights = entryWeights
        table = WeightTable(classes: classes, keys: keys, counts: counts, entryClasses: entryClasses, entryWeights: entryWeights)
    }

    /// Sets `scores[0..<classes]` to the summed weights of `features`.
    @inline(__always)
    func score(_ features: UnsafePointer<UInt64>, _ count: Int, into scores: UnsafeMutablePointer<Float>) {
        table.score(features, count, into: scores)
    }

    static func == (lhs: SparseWeights, rhs: SparseWeights) -> Bool {
        lhs.classes == rhs.classes && lhs.keys == rhs.keys && lhs.counts == rhs.counts
            && lhs.entryClasses == rhs.entryClasses && lhs.entryWeights == rhs.entryWeights
    }
}

extension SparseWeights {
    /// The weights without entries whose magnitude is below `threshold` (and without
    /// features left empty).
    func pruned(_ threshold: Float) -> SparseWeights {
        var keys: [UInt64] = [], counts: [UInt8] = [], classes: [UInt8] = [], weights: [Float] = []
        var start = 0
        for (key, count) in zip(self.keys, self.counts) {
            var kept: UInt8 = 0
            for e in start..<(start + Int(count)) where abs(entryWeights[e]) >= threshold {
                classes.append(entryClasses[e])
                weights.append(entryWeights[e])
                kept += 1
            }
            if kept > 0 {
                keys.append(key)
                counts.append(kept)
            }
            start += Int(count)
        }
        return SparseWeights(classes: self.classes, keys: keys, counts: counts, entryClasses: classes, entryWeights: weights)
    }
}
