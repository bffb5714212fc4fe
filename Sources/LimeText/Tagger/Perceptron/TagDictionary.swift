/// Frequent words with one overwhelming fine tag in the training data (at least
/// `minimumCount` occurrences, at least `minimumShare` of them with that tag): such words
/// are tagged by lookup, skipping the perceptron (Honnibal's tag dictionary).
struct TagDictionary: Sendable, Equatable {
    static let minimumCount = 20
    static let minimumShare = 0.97

    /// Exact-word hashes (`TokenInfo.word`), ascending, and their tag classes.
    let words: [UInt64]
    let classes: [UInt8]
    private let table: [UInt64]
    private let mask: Int

    init(words: [UInt64], classes: [UInt8]) {
        self.words = words
        self.classes = classes
        var capacity = 64
        while capacity < words.count * 4 { capacity *= 2 }
        var table = [UInt64](repeating: 0, count: capacity * 2)
        mask = capacity - 1
        for (word, c) in zip(words, classes) {
            var slot = Int(truncatingIfNeeded: word) & mask
            while table[slot * 2] != 0 { slot = (slot + 1) & mask }
            table[slot * 2] = word
            table[slot * 2 + 1] = UInt64(c) + 1
        }
        self.table = table
    }

    /// Builds the dictionary from (word hash, tag class) counts.
    init(counts: [UInt64: [Int: Int]]) {
        var entries: [(UInt64, UInt8)] = []
        for (word, tags) in counts {
            let total = tags.values.reduce(0, +)
            guard total >= Self.minimumCount, let best = tags.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }) else { continue }
            if Double(best.value) / Double(total) >= Self.minimumShare { entries.append((word, UInt8(best.key))) }
        }
        entries.sort { $0.0 < $1.0 }
        self.init(words: entries.map(\.0), classes: entries.map(\.1))
    }

    /// The tag class of `word`, or -1.
    @inline(__always)
    func lookup(_ word: UInt64) -> Int {
        table.withUnsafeBufferPointer { t in
            var slot = Int(truncatingIfNeeded: word) & mask
            while true {
                let k = t[slot &* 2]
                if k == word { return Int(t[slot &* 2 &+ 1]) - 1 }
                if k == 0 { return -1 }
                slot = (slot &+ 1) & mask
            }
        }
    }

    /// Sets `classes` to the history value (`TaggerClasses.history(c, 3)`) of each padded
    /// position's dictionary class, -1 when the word is not in the dictionary.
    func lookahead(_ infos: [TokenInfo], into classes: inout [UInt64]) {
        classes.removeAll(keepingCapacity: true)
        for (i, info) in infos.enumerated() {
            let c = i < 2 || i >= infos.count - 2 ? -2 : lookup(info.word)
            classes.append(TaggerClasses.history(c, 3))
        }
    }

    static func == (lhs: TagDictionary, rhs: TagDictionary) -> Bool { lhs.words == rhs.words && lhs.classes == rhs.classes }
}
