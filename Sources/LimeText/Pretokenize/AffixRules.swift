/// spaCy's English prefix, suffix and infix rules (`spacy/lang/punctuation.py`,
/// `spacy/lang/en/punctuation.py`) as hand-written matchers with Python `re` semantics.
struct AffixRules: Sendable {
    /// Units and currency symbols that split off a preceding digit, by length in scalars.
    let afterDigit: [[[UInt32]]]
    let afterDigitMaxCount: Int

    init() {
        let strings = PretokenizerData.units.split(separator: "\u{1F}") + PretokenizerData.currencies.split(separator: "\u{1F}")
        let maxCount = strings.map { $0.unicodeScalars.count }.max() ?? 0
        var table = [[[UInt32]]](repeating: [], count: maxCount + 1)
        for string in Set(strings.map(String.init)) {
            let scalars = string.unicodeScalars.map(\.value)
            table[scalars.count].append(scalars)
        }
        afterDigit = table
        afterDigitMaxCount = maxCount
    }

    /// Length of the prefix at `lo` (`prefix_search`: the first alternative that matches), or 0.
    @inline(__always) func prefixLength(_ c: Chunk, _ lo: Int, _ hi: Int) -> Int {
        if c.has(lo, .prefix) { return 1 }
        switch c.scalars[lo] {
        case 0x2B:  // \+(?![0-9])
            return lo + 1 < hi && c.isASCIIDigit(lo + 1) ? 0 : 1
        case 0x2E:  // \.\.+
            var end = lo + 1
            while end < hi && c.is(end, ".") { end += 1 }
            return end - lo >= 2 ? end - lo : 0
        case 0x55:  // US\$
            return hi - lo >= 3 && c.is(lo + 1, "S") && c.is(lo + 2, "$") ? 3 : 0
        case 0x43, 0x41:  // C\$ A\$
            return hi - lo >= 2 && c.is(lo + 1, "$") ? 2 : 0
        default:
            return 0
        }
    }

    /// Length of the suffix ending at `hi` (`suffix_search`: the leftmost start from which
    /// some alternative matches to the end), or 0.
    @inline(__always) func suffixLength(_ c: Chunk, _ lo: Int, _ hi: Int) -> Int {
        let count = hi - lo
        if count == 0 { return 0 }
        if c.is(hi - 1, ".") {
            var start = hi - 1
            while start > lo && c.is(start - 1, ".") { start -= 1 }
            if hi - start >= 2 { return hi - start }  // \.\.+$
        }
        var length = min(count, afterDigitMaxCount)
        while length > 0 {
            if suffixMatches(c, lo, hi - length, hi) { return length }
            length -= 1
        }
        return 0
    }

    /// Whether some suffix alternative matches exactly `p..<hi`.
    @inline(__always) private func suffixMatches(_ c: Chunk, _ lo: Int, _ p: Int, _ hi: Int) -> Bool {
        let length = hi - p
        if length == 1 {
            if c.has(p, .suffix) { return true }
            let scalar = c.scalars[p]
            if scalar == 0x2B { return p > lo && c.isASCIIDigit(p - 1) }  // (?<=[0-9])\+
            if scalar == 0x2E {
                if p > lo && c.has(p - 1, .dotBehind) { return true }
                if p - 1 > lo {
                    if c.has(p - 2, .upper) && c.has(p - 1, .upper) { return true }  // (?<=[{au}][{au}])\.
                    if c.is(p - 2, "°") {  // (?<=°[FfCcKk])\.
                        switch c.scalars[p - 1] {
                        case 0x46, 0x66, 0x43, 0x63, 0x4B, 0x6B: return true
                        default: break
                        }
                    }
                }
                return false
            }
        } else if length == 2 {
            let first = c.scalars[p], second = c.scalars[p + 1]
            if first == 0x2026 && second == 0x2026 { return true }  // ……
            if (first == 0x27 || first == 0x2019) && (second == 0x73 || second == 0x53) { return true }  // 's ’S
        }
        // (?<=[0-9])(?:{units}) and (?<=[0-9])(?:{currency})
        if p > lo && c.isASCIIDigit(p - 1) {
            for unit in afterDigit[length] where c.equals(p, hi, unit) { return true }
        }
        return false
    }

    /// The next infix match at or after `from` (`infix_finditer`), as `start..<end`, or nil.
    @inline(__always) func nextInfix(_ c: Chunk, _ lo: Int, _ hi: Int, from: Int) -> Range<Int>? {
        var pos = from
        while pos < hi {
            if c.has(pos, .infixStart), let end = infixEnd(c, lo, hi, pos) { return pos..<end }
            pos += 1
        }
        return nil
    }

    /// Where the first infix alternative matching at `pos` ends, or nil.
    @inline(__always) private func infixEnd(_ c: Chunk, _ lo: Int, _ hi: Int, _ pos: Int) -> Int? {
        let scalar = c.scalars[pos]
        let hasNext = pos + 1 < hi, hasPrevious = pos > lo
        // \.\.+
        if scalar == 0x2E && hasNext && c.is(pos + 1, ".") {
            var end = pos + 2
            while end < hi && c.is(end, ".") { end += 1 }
            return end
        }
        // … and icons
        if scalar == 0x2026 || c.has(pos, .icon) { return pos + 1 }
        // (?<=[0-9])[+\-\*^](?=[0-9-])
        if scalar == 0x2B || scalar == 0x2D || scalar == 0x2A || scalar == 0x5E,
           hasPrevious && hasNext && c.isASCIIDigit(pos - 1) && (c.isASCIIDigit(pos + 1) || c.is(pos + 1, "-")) {
            return pos + 1
        }
        // (?<=[{al}{q}])\.(?=[{au}{q}])
        if scalar == 0x2E {
            if hasPrevious && hasNext && c.has(pos - 1, [.lower, .quote]) && c.has(pos + 1, [.upper, .quote]) {
                return pos + 1
            }
            return nil
        }
        // (?<=[{a}]),(?=[{a}])
        if scalar == 0x2C {
            return hasPrevious && hasNext && c.has(pos - 1, .alpha) && c.has(pos + 1, .alpha) ? pos + 1 : nil
        }
        guard hasPrevious && (c.has(pos - 1, .alpha) || c.isASCIIDigit(pos - 1)) else { return nil }
        // (?<=[{a}0-9])(?:-|–|—|--|---|——|~)(?=[{a}])
        switch scalar {
        case 0x2D:  // - -- ---
            var end = pos + 1
            while end < hi && end - pos <= 3 {
                if c.has(end, .alpha) { return end }
                if !c.is(end, "-") || end - pos == 3 { break }
                end += 1
            }
            return nil
        case 0x2014:  // — ——
            if hasNext && c.has(pos + 1, .alpha) { return pos + 1 }
            if pos + 2 < hi && c.is(pos + 1, "—") && c.has(pos + 2, .alpha) { return pos + 2 }
            return nil
        case 0x2013, 0x7E:  // – ~
            return hasNext && c.has(pos + 1, .alpha) ? pos + 1 : nil
        case 0x3A, 0x3C, 0x3E, 0x3D, 0x2F:  // (?<=[{a}0-9])[:<>=/](?=[{a}])
            return hasNext && c.has(pos + 1, .alpha) ? pos + 1 : nil
        default:
            return nil
        }
    }
}
