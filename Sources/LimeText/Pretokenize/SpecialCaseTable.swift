/// spaCy's tokenizer exceptions ("don't" -> "do" "n't"), looked up case-sensitively by
/// the exact scalars of a string.
final class SpecialCaseTable: @unchecked Sendable {
    static let shared = SpecialCaseTable()

    /// One special case: where its key and piece lengths live in the pools.
    struct Entry {
        var keyStart: Int32
        var keyCount: Int32
        var pieceStart: Int32
        var pieceCount: Int32
    }

    let entries: [Entry]
    /// Piece lengths in scalars and in UTF-8 bytes, parallel arrays.
    let pieceScalars: [Int32]
    let pieceBytes: [Int32]
    /// The longest key, in scalars.
    let maxKeyCount: Int
    private let byKey: [String: Int32]
    /// Hot-path copies of the tables (allocated once, live as long as the process).
    private let slotPointer: UnsafeMutablePointer<Int32>
    private let entryPointer: UnsafeMutablePointer<Entry>
    private let keyPointer: UnsafeMutablePointer<UInt32>
    private let mask: Int

    private init() {
        let records = PretokenizerData.specialCases.split(separator: "\u{1E}", omittingEmptySubsequences: false)
        var size = 16
        while size < records.count * 4 { size <<= 1 }
        var slots = [Int32](repeating: -1, count: size)
        var entries: [Entry] = [], keys: [UInt32] = [], scalars: [Int32] = [], bytes: [Int32] = []
        var byKey: [String: Int32] = [:]
        var maxKeyCount = 0
        for record in records {
            let pieces = record.split(separator: "\u{1F}", omittingEmptySubsequences: false)
            let key = pieces.joined()
            let keyScalars = key.unicodeScalars.map(\.value)
            let index = Int32(entries.count)
            entries.append(Entry(keyStart: Int32(keys.count), keyCount: Int32(keyScalars.count),
                                 pieceStart: Int32(scalars.count), pieceCount: Int32(pieces.count)))
            keys += keyScalars
            for piece in pieces {
                scalars.append(Int32(piece.unicodeScalars.count))
                bytes.append(Int32(piece.utf8.count))
            }
            maxKeyCount = max(maxKeyCount, keyScalars.count)
            var slot = keyScalars.withUnsafeBufferPointer { Self.hash($0.baseAddress!, $0.count) } & (size - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = index
            byKey[key] = index
        }
        self.entries = entries
        pieceScalars = scalars
        pieceBytes = bytes
        self.maxKeyCount = maxKeyCount
        self.byKey = byKey
        mask = size - 1
        slotPointer = .allocate(capacity: slots.count)
        slotPointer.initialize(from: slots, count: slots.count)
        entryPointer = .allocate(capacity: entries.count)
        entryPointer.initialize(from: entries, count: entries.count)
        keyPointer = .allocate(capacity: keys.count)
        keyPointer.initialize(from: keys, count: keys.count)
    }

    @inline(__always) static func hash(_ scalars: UnsafePointer<UInt32>, _ count: Int) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(count)
        for i in 0..<count { h = (h ^ UInt64(scalars[i])) &* 0x0000_0100_0000_01b3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    /// The entry whose key is exactly `scalars[0..<count]`, or -1.
    @inline(__always) func lookup(_ scalars: UnsafePointer<UInt32>, _ count: Int) -> Int32 {
        if count > maxKeyCount || count == 0 { return -1 }
        var slot = Self.hash(scalars, count) & mask
        while true {
            let index = slotPointer[slot]
            if index < 0 { return -1 }
            let entry = entryPointer[Int(index)]
            if Int(entry.keyCount) == count {
                let key = keyPointer + Int(entry.keyStart)
                var i = 0
                while i < count && key[i] == scalars[i] { i += 1 }
                if i == count { return index }
            }
            slot = (slot + 1) & mask
        }
    }

    /// The entry whose key is `key`, or nil (slow; for building other tables).
    func entry(forKey key: String) -> Int32? { byKey[key] }
}
