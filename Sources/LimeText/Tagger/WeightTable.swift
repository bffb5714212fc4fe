import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The inference form of `SparseWeights`: an open-addressing table of 16-byte slots
/// (key, value) in one huge-page-backed allocation. A value holds up to two
/// (class, Float16 weight) entries inline (bit 63 set), else `start << 8 | count` into
/// `entries` (Float16 bits << 8 | class). Lookups touch all slots of a token first so
/// their cache misses overlap.
final class WeightTable: @unchecked Sendable {
    let classes: Int
    private let slots: UnsafeMutablePointer<UInt64>
    private let mask: Int
    private let entries: UnsafeMutablePointer<UInt32>
    private let slotBytes: Int

    init(classes: Int, keys: [UInt64], counts: [UInt8], entryClasses: [UInt8], entryWeights: [Float]) {
        self.classes = classes
        var capacity = 1024
        while capacity < keys.count * 2 { capacity *= 2 }
        mask = capacity - 1
        slotBytes = capacity * 16
        var raw: UnsafeMutableRawPointer? = nil
        let alignment = 2 << 20
        posix_memalign(&raw, alignment, max(slotBytes, alignment))
        madvise(raw, slotBytes, 14)  // MADV_HUGEPAGE
        slots = raw!.bindMemory(to: UInt64.self, capacity: capacity * 2)
        slots.initialize(repeating: 0, count: capacity * 2)
        entries = .allocate(capacity: max(1, entryWeights.count))
        var start = 0
        for (key, count) in zip(keys, counts) {
            let n = Int(count)
            var value: UInt64
            func packed(_ e: Int) -> UInt64 {
                UInt64(Float16(entryWeights[e]).bitPattern) << 8 | UInt64(entryClasses[e])
            }
            if n <= 2 {
                value = 1 << 63 | UInt64(n) << 48
                if n > 0 { value |= packed(start) }
                if n > 1 { value |= packed(start + 1) << 24 }
            } else {
                value = UInt64(start) << 8 | UInt64(n)
            }
            for e in start..<(start + n) { entries[e] = UInt32(truncatingIfNeeded: packed(e)) }
            var slot = Int(truncatingIfNeeded: key) & mask
            while slots[slot * 2] != 0 { slot = (slot + 1) & mask }
            slots[slot * 2] = key
            slots[slot * 2 + 1] = value
            start += n
        }
    }

    deinit {
        free(UnsafeMutableRawPointer(slots))
        entries.deallocate()
    }

    @inline(__always)
    private static func add(_ packed: UInt64, _ scores: UnsafeMutablePointer<Float>) {
        let c = Int(packed & 0xFF)
        scores[c] += Float(Float16(bitPattern: UInt16(truncatingIfNeeded: packed >> 8)))
    }

    /// Sets `scores[0..<classes]` to the summed weights of `features`.
    @inline(__always)
    func score(_ features: UnsafePointer<UInt64>, _ count: Int, into scores: UnsafeMutablePointer<Float>) {
        for c in 0..<classes { scores[c] = 0 }
        // Touch every first slot: independent loads, so the misses overlap.
        var touched: UInt64 = 0
        for f in 0..<count { touched &+= slots[(Int(truncatingIfNeeded: features[f]) & mask) &* 2] }
        // A test the compiler cannot drop keeps the touching loads (no shared writes).
        if touched == 0x5eed_5eed_5eed_5eed { scores[0] += 0 }
        for f in 0..<count {
            let key = features[f]
            var slot = Int(truncatingIfNeeded: key) & mask
            while true {
                let k = slots[slot &* 2]
                if k == key {
                    let v = slots[slot &* 2 &+ 1]
                    if v >> 63 != 0 {
                        let n = (v >> 48) & 3
                        if n > 0 { Self.add(v & 0xFF_FFFF, scores) }
                        if n > 1 { Self.add((v >> 24) & 0xFF_FFFF, scores) }
                    } else {
                        let start = Int(v >> 8), n = Int(v & 0xFF)
                        for e in start..<(start &+ n) { Self.add(UInt64(entries[e]), scores) }
                    }
                    break
                }
                if k == 0 { break }
                slot = (slot &+ 1) & mask
            }
        }
    }
}
