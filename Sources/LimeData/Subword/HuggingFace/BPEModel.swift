/// Byte-level BPE: a word's bytes start as one symbol each and the pair with the lowest
/// merge rank is merged first (ties to the leftmost), with a min-heap over a linked list
/// of symbols, as `tokenizers` does. Immutable once built; scratch state lives in `BPEWork`.
struct BPEModel {
    /// The id of each byte's one-character token, or -1.
    let byteIds: [Int32]
    private let pairKeys: [UInt64]    // (left << 32 | right), UInt64.max = empty
    private let pairValues: [UInt64]  // (rank << 32 | merged id)
    private let pairMask: Int
    /// The vocabulary by raw bytes, consulted first when `ignore_merges` is set.
    let wholeWords: ByteStringTable?
    let unkID: Int32?
    let fuseUnk: Bool

    init(byteIds: [Int32], merges: [(left: Int32, right: Int32, merged: Int32)], wholeWords: ByteStringTable?, unkID: Int32?, fuseUnk: Bool) {
        self.byteIds = byteIds
        var size = 16
        while size < merges.count * 2 { size <<= 1 }
        var keys = [UInt64](repeating: .max, count: size)
        var values = [UInt64](repeating: 0, count: size)
        let mask = size - 1
        for (rank, merge) in merges.enumerated() {
            let key = UInt64(UInt32(bitPattern: merge.left)) << 32 | UInt64(UInt32(bitPattern: merge.right))
            var slot = Self.slot(key, mask)
            while keys[slot] != .max && keys[slot] != key { slot = (slot + 1) & mask }
            if keys[slot] == key { continue }  // a repeated merge keeps its first rank
            keys[slot] = key
            values[slot] = UInt64(rank) << 32 | UInt64(UInt32(bitPattern: merge.merged))
        }
        pairKeys = keys
        pairValues = values
        pairMask = mask
        self.wholeWords = wholeWords
        self.unkID = unkID
        self.fuseUnk = fuseUnk
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// The merge of (left, right) as (rank << 32 | merged id), or nil.
    @inline(__always)
    func pair(_ left: Int32, _ right: Int32) -> UInt64? {
        let key = UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
        var slot = Self.slot(key, pairMask)
        while true {
            let stored = pairKeys[slot]
            if stored == key { return pairValues[slot] }
            if stored == .max { return nil }
            slot = (slot + 1) & pairMask
        }
    }

    /// Appends the tokens of one pre-token to `out` as (id, byte length) pairs.
    func encode(_ word: UnsafeBufferPointer<UInt8>, into out: inout [Int32], work: inout BPEWork) {
        if let wholeWords, let range = wholeWords.lookup(word, hash: ByteStringTable.hash(word)) {
            out.append(wholeWords.value(at: range.lowerBound))
            out.append(Int32(word.count))
            return
        }
        work.reset()
        var dropped: Int32 = 0  // bytes without a token (no unk): their span joins a neighbour
        for byte in word {
            let id = byteIds[Int(byte)]
            if id >= 0 {
                work.appendSymbol(id, length: 1 + dropped)
                dropped = 0
            } else if let unkID {
                if fuseUnk, let last = work.ids.last, last == unkID { work.lengths[work.lengths.count - 1] += 1 }
                else { work.appendSymbol(unkID, length: 1) }
            } else if !work.lengths.isEmpty {
                work.lengths[work.lengths.count - 1] += 1
            } else {
                dropped += 1
            }
        }
        let n = work.ids.count
        if n > 1 {
            for i in 0..<(n - 1) {
                if let merge = pair(work.ids[i], work.ids[i + 1]) { work.push(rank: merge >> 32, position: i) }
            }
            while let (rank, position) = work.pop() {
                let i = position
                guard work.lengths[i] > 0 else { continue }
                let j = Int(work.next[i])
                guard j >= 0, let merge = pair(work.ids[i], work.ids[j]), merge >> 32 == rank else { continue }
                work.ids[i] = Int32(truncatingIfNeeded: merge & 0xFFFF_FFFF)
                work.lengths[i] += work.lengths[j]
                work.lengths[j] = 0
                let k = Int(work.next[j])
                work.next[i] = Int32(k)
                if k >= 0 { work.prev[k] = Int32(i) }
                let p = Int(work.prev[i])
                if p >= 0, let left = pair(work.ids[p], work.ids[i]) { work.push(rank: left >> 32, position: p) }
                if k >= 0, let right = pair(work.ids[i], work.ids[k]) { work.push(rank: right >> 32, position: i) }
            }
        }
        var i = 0
        while i < n {
            if work.lengths[i] > 0 {
                out.append(work.ids[i])
                out.append(work.lengths[i])
            }
            i += 1
        }
    }
}

/// Scratch state of one BPE encoding: symbols, their links and the merge heap.
struct BPEWork {
    var ids: [Int32] = []
    var lengths: [Int32] = []
    var prev: [Int32] = []
    var next: [Int32] = []
    private var heap: [UInt64] = []  // (rank << 32 | position), a min-heap

    mutating func reset() {
        ids.removeAll(keepingCapacity: true)
        lengths.removeAll(keepingCapacity: true)
        prev.removeAll(keepingCapacity: true)
        next.removeAll(keepingCapacity: true)
        heap.removeAll(keepingCapacity: true)
    }

    mutating func appendSymbol(_ id: Int32, length: Int32) {
        let index = Int32(ids.count)
        if index > 0 { next[Int(index) - 1] = index }
        ids.append(id)
        lengths.append(length)
        prev.append(index - 1)
        next.append(-1)
    }

    mutating func push(rank: UInt64, position: Int) {
        heap.append(rank << 32 | UInt64(position))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if heap[parent] <= heap[child] { break }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    mutating func pop() -> (UInt64, Int)? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            let count = heap.count
            while true {
                let left = 2 * parent + 1
                if left >= count { break }
                let right = left + 1
                let child = right < count && heap[right] < heap[left] ? right : left
                if heap[parent] <= heap[child] { break }
                heap.swapAt(parent, child)
                parent = child
            }
        }
        return (top >> 32, Int(top & 0xFFFF_FFFF))
    }
}
