/// spaCy's final special-case pass (`Tokenizer._apply_special_cases`): finds token
/// sequences the affix rules made of a special case's string (such as `:` `)` or `e.g` `.`)
/// and replaces them with the special case's own tokens. Longer matches win, then the
/// leftmost; a match only changes the tokens when its text is exactly the special case.
struct SpecialCaseMatcher: Sendable {
    /// One pattern: its tokens' UTF-8 bytes and the special case it stands for.
    struct Pattern: Sendable {
        var pieces: [[UInt8]]
        var entry: Int32
    }

    let patterns: [Pattern]
    /// Open-addressing table from the packed first two tokens to pattern indices.
    private let slots: [(key: PairKey, pattern: Int32)]
    private let mask: Int
    private let maxFirstCount: Int
    private let maxSecondCount: Int
    private let pieceBytes: [Int32]
    private let entries: [SpecialCaseTable.Entry]

    struct PairKey: Equatable, Sendable {
        var first: UInt64
        var second: UInt64
        var counts: UInt16
        static let empty = PairKey(first: 0, second: 0, counts: 0)
    }

    init(specials: SpecialCaseTable) {
        var patterns: [Pattern] = []
        for record in PretokenizerData.matcherPatterns.split(separator: "\u{1E}") {
            let pieces = record.split(separator: "\u{1F}", omittingEmptySubsequences: false)
            // One-token patterns replace a token by itself: nothing to do.
            guard pieces.count >= 2, let entry = specials.entry(forKey: pieces.joined()) else { continue }
            patterns.append(Pattern(pieces: pieces.map { Array($0.utf8) }, entry: entry))
        }
        self.patterns = patterns
        maxFirstCount = patterns.map { $0.pieces[0].count }.max() ?? 0
        maxSecondCount = patterns.map { $0.pieces[1].count }.max() ?? 0
        precondition(maxFirstCount <= 8 && maxSecondCount <= 8, "matcher pattern tokens must fit in 8 bytes")
        var size = 16
        while size < patterns.count * 4 { size <<= 1 }
        var slots = [(key: PairKey, pattern: Int32)](repeating: (.empty, -1), count: size)
        for (index, pattern) in patterns.enumerated() {
            let key = pattern.pieces[0].withUnsafeBufferPointer { a in
                pattern.pieces[1].withUnsafeBufferPointer { b in Self.pairKey(a.baseAddress!, a.count, b.baseAddress!, b.count) }
            }
            var slot = Self.hash(key) & (size - 1)
            while slots[slot].pattern >= 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = (key, Int32(index))
        }
        self.slots = slots
        mask = size - 1
        pieceBytes = specials.pieceBytes
        entries = specials.entries
    }

    @inline(__always) static func pack(_ p: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<count { value |= UInt64(p[i]) << (8 * UInt64(i)) }
        return value
    }

    @inline(__always) static func pairKey(_ a: UnsafePointer<UInt8>, _ aCount: Int, _ b: UnsafePointer<UInt8>, _ bCount: Int) -> PairKey {
        PairKey(first: pack(a, aCount), second: pack(b, bCount), counts: UInt16(aCount << 8 | bCount))
    }

    @inline(__always) static func hash(_ key: PairKey) -> Int {
        var h = key.first &* 0x9E37_79B9_7F4A_7C15
        h ^= (key.second ^ UInt64(key.counts)) &* 0xC2B2_AE3D_27D4_EB4F
        return Int(truncatingIfNeeded: h ^ (h >> 31))
    }

    /// Finds and applies special-case matches in `tokens` of the text `utf8`.
    func apply(to tokens: inout [TokenSpan], utf8: UnsafeBufferPointer<UInt8>) {
        guard tokens.count >= 2, let base = utf8.baseAddress else { return }
        var matches: [(start: Int, end: Int, pattern: Int)] = []
        tokens.withUnsafeBufferPointer { tokens in
            for i in 0..<(tokens.count - 1) {
                let a = tokens[i], b = tokens[i + 1]
                let aCount = Int(a.end - a.start), bCount = Int(b.end - b.start)
                if aCount > maxFirstCount || bCount > maxSecondCount || a.isSpace || b.isSpace { continue }
                let key = Self.pairKey(base + Int(a.start), aCount, base + Int(b.start), bCount)
                var slot = Self.hash(key) & mask
                while slots[slot].pattern >= 0 {
                    if slots[slot].key == key {
                        let index = Int(slots[slot].pattern)
                        if matchesTail(patterns[index], tokens, i, base) {
                            matches.append((i, i + patterns[index].pieces.count, index))
                        }
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
        if matches.isEmpty { return }
        replace(&tokens, matches, base)
    }

    /// Whether tokens `i+2...` equal the pattern's remaining pieces.
    private func matchesTail(_ pattern: Pattern, _ tokens: UnsafeBufferPointer<TokenSpan>, _ i: Int, _ base: UnsafePointer<UInt8>) -> Bool {
        if i + pattern.pieces.count > tokens.count { return false }
        for k in 2..<pattern.pieces.count {
            let token = tokens[i + k], piece = pattern.pieces[k]
            if Int(token.end - token.start) != piece.count { return false }
            for j in 0..<piece.count where base[Int(token.start) + j] != piece[j] { return false }
        }
        return true
    }

    /// spaCy's `_filter_special_spans` then `_retokenize_special_spans`.
    private func replace(_ tokens: inout [TokenSpan], _ matches: [(start: Int, end: Int, pattern: Int)], _ base: UnsafePointer<UInt8>) {
        let ordered = matches.sorted {
            let (l0, l1) = ($0.end - $0.start, $1.end - $1.start)
            return l0 != l1 ? l0 > l1 : $0.start < $1.start
        }
        var seen = Set<Int>()
        var accepted: [(start: Int, end: Int, pattern: Int)] = []
        for match in ordered {
            if !seen.contains(match.start) && !seen.contains(match.end - 1) { accepted.append(match) }
            for i in match.start..<match.end { seen.insert(i) }
        }
        accepted.sort { $0.start < $1.start }
        var result: [TokenSpan] = []
        result.reserveCapacity(tokens.count + 8)
        var next = 0
        for match in accepted {
            result += tokens[next..<match.start]
            next = match.end
            // Only a match whose text is exactly the special case (no spaces inside) changes.
            var contiguous = true
            for i in match.start..<(match.end - 1) where tokens[i].end != tokens[i + 1].start { contiguous = false }
            if !contiguous {
                result += tokens[match.start..<match.end]
                continue
            }
            let entry = entries[Int(patterns[match.pattern].entry)]
            var position = tokens[match.start].start
            for piece in 0..<Int(entry.pieceCount) {
                let length = pieceBytes[Int(entry.pieceStart) + piece]
                result.append(TokenSpan(start: position, end: position + length))
                position += length
            }
        }
        result += tokens[next...]
        tokens = result
    }
}
