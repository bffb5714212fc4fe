/// Hashes of one token's surface features, computed once per token from its UTF-8
/// bytes and shared by the three taggers.
struct TokenInfo {
    var word: UInt64
    var lower: UInt64
    var shape: UInt64
    var prefix1: UInt64
    var prefix2: UInt64
    var prefix3: UInt64
    var suffix1: UInt64
    var suffix2: UInt64
    var suffix3: UInt64
    var suffix4: UInt64
    /// Bit 0: a whitespace token came right before this one. Bit 1: starts with an
    /// ASCII capital letter. Bits 2, 3: whitespace (or the text's edge) right before,
    /// right after the token (tells opening from closing quotes, hyphens from dashes).
    var flags: UInt64
    /// The rows of spaCy's hashed embeddings (`SpacyBuckets`), set by the tagger loops
    /// through a `SpacyRowCache`; `SpacyBuckets.padding` until then.
    var spacy = SpacyBuckets.padding

    init(word: UInt64, lower: UInt64, shape: UInt64, prefix1: UInt64, prefix2: UInt64, prefix3: UInt64,
         suffix1: UInt64, suffix2: UInt64, suffix3: UInt64, suffix4: UInt64, flags: UInt64) {
        self.word = word; self.lower = lower; self.shape = shape
        self.prefix1 = prefix1; self.prefix2 = prefix2; self.prefix3 = prefix3
        self.suffix1 = suffix1; self.suffix2 = suffix2; self.suffix3 = suffix3; self.suffix4 = suffix4
        self.flags = flags
    }

    /// Stands for the positions before the first and after the last token.
    static func padding(_ marker: UInt64) -> TokenInfo {
        let h = FeatureHashing.mix(marker)
        return TokenInfo(word: h, lower: h, shape: h, prefix1: h, prefix2: h, prefix3: h,
                         suffix1: h, suffix2: h, suffix3: h, suffix4: h, flags: 0)
    }

    static let before = padding(0x5354_4152_54)
    static let after = padding(0x454e_44)

    /// Computes the hashes of the token `bytes[0..<count]`.
    init(_ bytes: UnsafePointer<UInt8>, _ count: Int, afterBreak: Bool, spaceBefore: Bool = false, spaceAfter: Bool = false) {
        let n = min(count, 256)
        var word = FeatureHashing.fnvOffset
        var lower = FeatureHashing.fnvOffset
        var shape = FeatureHashing.fnvOffset
        var p1 = lower, p2 = lower, p3 = lower
        var lastShape: UInt8 = 0
        var run = 0
        for i in 0..<n {
            let b = bytes[i]
            word = (word ^ UInt64(b)) &* FeatureHashing.fnvPrime
            let l = (b >= 65 && b <= 90) ? b + 32 : b
            lower = (lower ^ UInt64(l)) &* FeatureHashing.fnvPrime
            if i == 0 { p1 = lower }
            if i == 1 { p2 = lower }
            if i == 2 { p3 = lower }
            let s: UInt8
            switch b {
            case 65...90: s = 88  // X
            case 97...122: s = 120  // x
            case 48...57: s = 100  // d
            case 0x80...0xBF: continue  // UTF-8 continuation byte
            case 0xC0...: s = 117  // u: non-ASCII character
            default: s = b
            }
            if s == lastShape { run += 1 } else { run = 1; lastShape = s }
            if run <= 4 { shape = (shape ^ UInt64(s)) &* FeatureHashing.fnvPrime }
        }
        if n < 2 { p2 = p1 }
        if n < 3 { p3 = p2 }
        self.word = word
        self.lower = lower
        self.shape = shape
        self.prefix1 = p1
        self.prefix2 = p2
        self.prefix3 = p3
        self.suffix1 = TokenInfo.suffix(bytes, n, 1)
        self.suffix2 = TokenInfo.suffix(bytes, n, 2)
        self.suffix3 = TokenInfo.suffix(bytes, n, 3)
        self.suffix4 = TokenInfo.suffix(bytes, n, 4)
        self.flags = (afterBreak ? 1 : 0) | (n > 0 && bytes[0] >= 65 && bytes[0] <= 90 ? 2 : 0)
            | (spaceBefore ? 4 : 0) | (spaceAfter ? 8 : 0)
    }

    /// For each padded position: the lowercase hash of the last token of the run of
    /// capitalized tokens starting there (the likely head of a name, e.g. "University"),
    /// and the run's length (capped at 6); 0 and 0 for uncapitalized tokens.
    static func capitalizedRuns(_ infos: [TokenInfo], heads: inout [UInt64], lengths: inout [UInt64]) {
        heads.removeAll(keepingCapacity: true)
        lengths.removeAll(keepingCapacity: true)
        heads.append(contentsOf: repeatElement(0, count: infos.count))
        lengths.append(contentsOf: repeatElement(0, count: infos.count))
        var i = infos.count - 3
        while i >= 2 {
            if infos[i].flags & 2 != 0 {
                if lengths[i + 1] > 0 && infos[i + 1].flags & 1 == 0 {
                    heads[i] = heads[i + 1]
                    lengths[i] = min(lengths[i + 1] + 1, 6)
                } else {
                    heads[i] = infos[i].lower
                    lengths[i] = 1
                }
            }
            i -= 1
        }
    }

    /// Hash of the last `k` bytes, lowercased (the whole token when shorter), tagged by k.
    @inline(__always)
    private static func suffix(_ bytes: UnsafePointer<UInt8>, _ n: Int, _ k: Int) -> UInt64 {
        var h = FeatureHashing.fnvOffset ^ UInt64(k)
        for i in max(0, n - k)..<n {
            let b = bytes[i]
            let l = (b >= 65 && b <= 90) ? b + 32 : b
            h = (h ^ UInt64(l)) &* FeatureHashing.fnvPrime
        }
        return h
    }
}

/// The spacing flags of the token `start..<end` of `text`: whitespace or the text's
/// edge before it, after it.
@inline(__always)
func tokenSpacing(_ text: UnsafePointer<UInt8>, _ length: Int, _ start: Int, _ end: Int) -> (before: Bool, after: Bool) {
    func space(_ b: UInt8) -> Bool { b == 32 || b == 10 || b == 9 || b == 13 }
    return (start == 0 || space(text[start - 1]), end >= length || space(text[end]))
}

/// Whether `bytes[0..<count]` is whitespace only (spaCy's `is_space`: such tokens are
/// tagged `_SP`, `SPACE`, `O` by rule).
@inline(__always)
func isWhitespaceToken(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    if count == 0 { return false }
    var i = 0
    while i < count {
        let b = bytes[i]
        if b == 32 || b == 9 || b == 10 || b == 13 || b == 11 || b == 12 {
            i += 1
        } else if b == 0xC2, i + 1 < count, bytes[i + 1] == 0xA0 {
            i += 2
        } else {
            return false
        }
    }
    return true
}
