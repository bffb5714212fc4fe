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

    private(set) var entries: [Entry] = []
    private var keyPool: [UInt32] = []
    /// Piece lengths in scalars and in UTF-8 bytes, parallel arrays.
    private(set) var pieceScalars: [Int32] = []
    private(set) var pieceBytes: [Int32] = []
    private var slots: [Int32]
    private let mask: Int
    /// The longest key, in scalars.
    private(set) var maxKeyCount = 0
    private var byKey: [String: Int32] = [:]

    private init() {
        let records = PretokenizerData.specialCases.split(separator: "\u{1E}", omittingEmptySubsequences: false)
        var size = 16
        while size < records.count * 4 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        for record in records {
            let pieces = record.split(separator: "\u{1F}", omittingEmptySubsequences: false)
            let key = Array(record.unicodeScalars.filter { $0 != "\u{1F}" }.map(\.value))
            let entry = Entry(keyStart: Int32(keyPool.count), keyCount: Int32(key.count),
                              pieceStart: Int32(pieceScalars.count), pieceCount: Int32(pieces.count))
            keyPool += key
            for piece in pieces {
                pieceScalars.append(Int32(piece.unicodeScalars.count))
                pieceBytes.append(Int32(piece.utf8.count))
            }
            maxKeyCount = max(maxKeyCount, key.count)
            var slot = Self.hash(key, key.count) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(entries.count)
            byKey[String(String.UnicodeScalarView(key.map { Unicode.Scalar($0)! }))] = Int32(entries.count)
            entries.append(entry)
        }
    }

    @inline(__always) static func hash<C: RandomAccessCollection>(_ scalars: C, _ count: Int) -> Int
    where C.Element == UInt32, C.Index == Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(count)
        var i = scalars.startIndex
        while i < scalars.endIndex {
            h = (h ^ UInt64(scalars[i])) &* 0x0000_0100_0000_01b3
            i += 1
        }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    /// The entry whose key is exactly `scalars[0..<count]`, or -1.
    @inline(__always) func lookup(_ scalars: UnsafePointer<UInt32>, _ count: Int) -> Int32 {
        if count > maxKeyCount || count == 0 { return -1 }
        let buffer = UnsafeBufferPointer(start: scalars, count: count)
        var slot = Self.hash(buffer, count) & mask
        return keyPool.withUnsafeBufferPointer { pool in
            entries.withUnsafeBufferPointer { entries in
                slots.withUnsafeBufferPointer { slots in
                    while true {
                        let index = slots[slot]
                        if index < 0 { return -1 }
                        let entry = entries[Int(index)]
                        if Int(entry.keyCount) == count {
                            var i = 0
                            let key = pool.baseAddress! + Int(entry.keyStart)
                            while i < count && key[i] == scalars[i] { i += 1 }
                            if i == count { return index }
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
    }

    /// The entry whose key is `key`, or nil (slow; for building other tables).
    func entry(forKey key: String) -> Int32? { byKey[key] }
}
