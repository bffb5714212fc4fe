import CPrefetch
import Foundation

/// The inference form of `SparseWeights`: an open-addressing table (linear probing, half
/// full) of 8-byte slots. A slot holds the key's high 32 bits (its fingerprint; a
/// fingerprint of 0, which marks an empty slot, is stored as 1; the low 32 bits pick the
/// first slot by multiply-shift) and a 32-bit value: with bit 31 set, one inline entry
/// (Float16 weight << 8 | class), else `start << 6 | count` into `entries` (Float16 bits
/// << 8 | class), which holds up to 2^25 entries of up to 63 classes. Two keys agreeing in
/// both slot and fingerprint would need a 2^-32 coincidence; construction checks that no
/// stored key shadows another. Slots and entries live in `HugePageMemory`; lookups
/// prefetch all slots of a token first, then all its entries, so that their cache misses
/// overlap.
final class WeightTable: @unchecked Sendable {
    let classes: Int
    private let slots: UnsafeMutablePointer<UInt64>
    private let capacity: Int
    private let entries: UnsafeMutablePointer<UInt32>

    @inline(__always)
    private static func fingerprint(_ key: UInt64) -> UInt64 {
        let high = key >> 32
        return high == 0 ? 1 : high
    }

    init(classes: Int, keys: [UInt64], counts: [UInt8], entryClasses: [UInt8], entryWeights: [Float]) {
        precondition(classes < 64, "weight table: at most 63 classes")
        self.classes = classes
        // At most half full: most lookups are of features the model lacks, and a miss
        // probes to the next empty slot.
        let capacity = max(1024, keys.count * 2)
        self.capacity = capacity
        slots = HugePageMemory.allocate(UInt64.self, count: capacity)
        slots.initialize(repeating: 0, count: capacity)
        let outOfLine = zip(counts, counts.indices).reduce(0) { $0 + ($1.0 > 1 ? Int($1.0) : 0) }
        entries = HugePageMemory.allocate(UInt32.self, count: outOfLine)
        // Values in key order (so `entries` is laid out as the keys come), then the keys
        // inserted in the order of their first slots: keys come sorted, their slots in
        // random order, and inserting them as they come would miss the cache on every key.
        var values = [UInt32](unsafeUninitializedCapacity: keys.count) { buffer, initialized in
            var start = 0, stored = 0
            for (index, count) in counts.enumerated() {
                let n = Int(count)
                func packed(_ e: Int) -> UInt32 {
                    UInt32(Float16(entryWeights[e]).bitPattern) << 8 | UInt32(entryClasses[e])
                }
                if n == 1 {
                    buffer[index] = 1 << 31 | packed(start)
                } else {
                    precondition(stored + n < 1 << 25 && n < 64, "weight table: too many entries")
                    buffer[index] = UInt32(stored) << 6 | UInt32(n)
                    for e in start..<(start + n) {
                        entries[stored] = packed(e)
                        stored += 1
                    }
                }
                start += n
            }
            initialized = keys.count
        }
        // Grouped with a sequential read and region-by-region writes (4096 write streams);
        // the insertion then reads sequentially and writes locally.
        let (regionKeys, regionValues) = Self.bySlotRegion(keys, values)
        values.removeAll()
        for (key, value) in zip(regionKeys, regionValues) {
            let tag = Self.fingerprint(key) << 32
            var slot = home(key)
            while slots[slot] != 0 {
                precondition(slots[slot] >> 32 != tag >> 32, "weight table: two keys share a fingerprint")
                slot = slot + 1 == capacity ? 0 : slot + 1
            }
            slots[slot] = tag | UInt64(value)
        }
    }

    /// `keys` and their `values` grouped by the top 12 bits of the keys' low halves (a
    /// counting sort): the first slot grows with the low half, so inserting in this order
    /// fills the table region by region, each small enough to stay in the cache.
    private static func bySlotRegion(_ keys: [UInt64], _ values: [UInt32]) -> ([UInt64], [UInt32]) {
        let bits = 12
        @inline(__always) func region(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key & 0xFFFF_FFFF) >> (32 - bits)) }
        var next = [Int](repeating: 0, count: 1 << bits)
        for key in keys { next[region(key)] += 1 }
        var total = 0
        for r in next.indices { (next[r], total) = (total, total + next[r]) }
        // Every position is written exactly once below (the region counts sum to keys.count).
        var groupedValues = [UInt32](unsafeUninitializedCapacity: keys.count) { _, initialized in initialized = keys.count }
        let groupedKeys = [UInt64](unsafeUninitializedCapacity: keys.count) { grouped, initialized in
            groupedValues.withUnsafeMutableBufferPointer { out in
                for (key, value) in zip(keys, values) {
                    let r = region(key)
                    grouped[next[r]] = key
                    out[next[r]] = value
                    next[r] += 1
                }
            }
            initialized = keys.count
        }
        return (groupedKeys, groupedValues)
    }

    deinit {
        HugePageMemory.release(slots)
        HugePageMemory.release(entries)
    }

    /// The first slot of `key`: its low 32 bits scaled to the capacity.
    @inline(__always)
    private func home(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: ((key & 0xFFFF_FFFF) &* UInt64(truncatingIfNeeded: capacity)) >> 32)
    }

    @inline(__always)
    private static func add(_ packed: UInt32, _ scores: UnsafeMutablePointer<Float>) {
        let c = Int(packed & 0xFF)
        scores[c] += Float(Float16(bitPattern: UInt16(truncatingIfNeeded: packed >> 8)))
    }

    /// The value of `key`'s slot (inline entry or `start << 6 | count`), or nil.
    @inline(__always)
    private func value(_ key: UInt64) -> UInt32? {
        let tag = Self.fingerprint(key)
        var slot = home(key)
        while true {
            let s = slots[slot]
            if s == 0 { return nil }
            if s >> 32 == tag { return UInt32(truncatingIfNeeded: s) }
            slot = slot &+ 1 == capacity ? 0 : slot &+ 1
        }
    }

    /// Sets `scores[0..<classes]` to the summed weights of `features`, in feature order.
    /// Three passes, so that cache misses overlap instead of following one another:
    /// prefetch every first slot; find every value and prefetch the out-of-line entries;
    /// add the weights.
    @inline(__always)
    func score(_ features: UnsafePointer<UInt64>, _ count: Int, into scores: UnsafeMutablePointer<Float>) {
        for c in 0..<classes { scores[c] = 0 }
        for f in 0..<count { lime_prefetch(slots + home(features[f])) }
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: max(1, count)) { found in
            var n = 0
            for f in 0..<count {
                guard let v = value(features[f]) else { continue }
                found[n] = v
                n &+= 1
                if v >> 31 == 0 { lime_prefetch(entries + Int(v >> 6)) }
            }
            for i in 0..<n {
                let v = found[i]
                if v >> 31 != 0 {
                    Self.add(v, scores)
                } else {
                    let start = Int(v >> 6), n = Int(v & 0x3F)
                    for e in start..<(start &+ n) { Self.add(entries[e], scores) }
                }
            }
        }
    }
}
