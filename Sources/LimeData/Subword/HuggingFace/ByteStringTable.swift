/// An open-addressing hash table from byte strings to short lists of ids, with keys and
/// values stored in flat arenas: lookups hash the caller's bytes in place, no allocation.
/// Serves as the BPE word cache and as the vocabulary's byte-string index.
struct ByteStringTable {
    private var slots: [Int32]           // entry index + 1; 0 = empty
    private var hashes: [UInt64] = []
    private var keyStarts: [Int] = []
    private var valueStarts: [Int] = []  // entry i's values: valueStarts[i]..<valueStarts[i + 1]
    private var keys: [UInt8] = []
    private var values: [Int32] = []
    private var mask: Int
    var count: Int { hashes.count }
    /// Bytes held in the arenas (to bound a cache's memory).
    var arenaBytes: Int { keys.count + values.count * 4 }

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
        keyStarts = [0]
        valueStarts = [0]
    }

    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(bytes.count)
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            h = (h ^ UnsafeRawPointer(bytes.baseAddress! + i).loadUnaligned(as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
            i += 8
        }
        while i < n {
            h = (h ^ UInt64(bytes[i])) &* 0x100_0000_01b3
            i += 1
        }
        return h ^ (h >> 32)
    }

    /// The values stored for `key`, or nil.
    @inline(__always)
    func lookup(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> Range<Int>? {
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return nil }
            let e = entry - 1
            if hashes[e] == h && keyStarts[e + 1] - keyStarts[e] == key.count && equalKey(e, key) {
                return valueStarts[e]..<valueStarts[e + 1]
            }
            slot = (slot + 1) & mask
        }
    }

    @inline(__always)
    private func equalKey(_ e: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        keys.withUnsafeBufferPointer { stored in
            let start = keyStarts[e]
            for i in 0..<key.count where stored[start + i] != key[i] { return false }
            return true
        }
    }

    @inline(__always)
    func value(at index: Int) -> Int32 { values[index] }

    func values(_ range: Range<Int>) -> ArraySlice<Int32> { values[range] }

    /// Inserts `key` (assumed absent) with `newValues`.
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64, values newValues: ArraySlice<Int32>) {
        if (count + 1) * 2 > slots.count { grow() }
        let e = hashes.count
        hashes.append(h)
        keys.append(contentsOf: key)
        keyStarts.append(keys.count)
        values.append(contentsOf: newValues)
        valueStarts.append(values.count)
        place(e)
    }

    mutating func removeAll() {
        for i in slots.indices { slots[i] = 0 }
        hashes.removeAll(keepingCapacity: true)
        keys.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        keyStarts = [0]
        valueStarts = [0]
    }

    private mutating func place(_ e: Int) {
        var slot = Int(truncatingIfNeeded: hashes[e]) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(e + 1)
    }

    private mutating func grow() {
        slots = [Int32](repeating: 0, count: slots.count * 2)
        mask = slots.count - 1
        for e in 0..<hashes.count { place(e) }
    }
}
