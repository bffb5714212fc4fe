/// Frozen perceptron weights for inference: an open-addressing table from feature key
/// to a run of (class, weight) entries. Immutable and shareable between threads.
struct SparseWeights: Sendable, Equatable {
    let classes: Int
    /// Feature keys in ascending order (the stored form).
    let keys: [UInt64]
    /// Entry count of each key, in key order.
    let counts: [UInt8]
    let entryClasses: [UInt8]
    let entryWeights: [Float]
    /// Hash table: (key, start << 8 | count) pairs, 0 key = empty.
    private let table: [UInt64]
    private let mask: Int

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
        var capacity = 1024
        while capacity < keys.count * 2 { capacity *= 2 }
        var table = [UInt64](repeating: 0, count: capacity * 2)
        let mask = capacity - 1
        var start: UInt64 = 0
        for (key, count) in zip(keys, counts) {
            var slot = Int(truncatingIfNeeded: key) & mask
            while table[slot * 2] != 0 { slot = (slot + 1) & mask }
            table[slot * 2] = key
            table[slot * 2 + 1] = start << 8 | UInt64(count)
            start += UInt64(count)
        }
        self.table = table
        self.mask = mask
    }

    /// Sets `scores[0..<classes]` to the summed weights of `features`.
    @inline(__always)
    func score(_ features: UnsafePointer<UInt64>, _ count: Int, into scores: UnsafeMutablePointer<Float>) {
        for c in 0..<classes { scores[c] = 0 }
        table.withUnsafeBufferPointer { table in
            entryClasses.withUnsafeBufferPointer { cls in
                entryWeights.withUnsafeBufferPointer { wts in
                    for f in 0..<count {
                        let key = features[f]
                        var slot = Int(truncatingIfNeeded: key) & mask
                        while true {
                            let k = table[slot &* 2]
                            if k == key {
                                let v = table[slot &* 2 &+ 1]
                                let start = Int(v >> 8), n = Int(v & 0xFF)
                                for e in start..<(start + n) { scores[Int(cls[e])] += wts[e] }
                                break
                            }
                            if k == 0 { break }
                            slot = (slot &+ 1) & mask
                        }
                    }
                }
            }
        }
    }

    static func == (lhs: SparseWeights, rhs: SparseWeights) -> Bool {
        lhs.classes == rhs.classes && lhs.keys == rhs.keys && lhs.counts == rhs.counts
            && lhs.entryClasses == rhs.entryClasses && lhs.entryWeights == rhs.entryWeights
    }
}
