/// Splits UTF-8 text into pre-tokens with one of the known patterns. Holds reusable
/// buffers (one scanner per encoding thread); the input must be valid UTF-8.
struct PreTokenizerScanner {
    private var classes: [UInt8] = []
    private var values: [UInt32] = []
    private var offsets: [Int] = []
    /// A direct-mapped cache of non-ASCII classes (General_Category lookups are slow).
    private var cacheKeys = [UInt32](repeating: 0, count: 4096)
    private var cacheClasses = [UInt8](repeating: 0, count: 4096)

    /// Appends the end offset (relative to `range.lowerBound`'s buffer) of every pre-token of
    /// `bytes[range]` to `ends`, in order; the pre-tokens tile the range.
    mutating func split(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, pattern: PreTokenizerPattern, ends: inout [Int]) {
        decode(bytes, range)
        let count = classes.count
        var i = 0
        classes.withUnsafeBufferPointer { cls in
            values.withUnsafeBufferPointer { vals in
                while i < count {
                    let next: Int
                    switch pattern {
                    case .gpt2: next = Self.gpt2(cls, vals, i)
                    case .llama3(let maxDigits): next = Self.llama3(cls, vals, i, maxDigits: maxDigits)
                    }
                    ends.append(offsets[next])
                    i = next
                }
            }
        }
    }

    private mutating func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        classes.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        var p = range.lowerBound
        while p < range.upperBound {
            offsets.append(p)
            let b0 = bytes[p]
            if b0 < 0x80 {
                values.append(UInt32(b0))
                classes.append(ScalarClass.ascii[Int(b0)])
                p += 1
                continue
            }
            var value: UInt32
            if b0 < 0xE0 {
                value = (UInt32(b0 & 0x1F) << 6) | UInt32(bytes[p + 1] & 0x3F); p += 2
            } else if b0 < 0xF0 {
                value = (UInt32(b0 & 0x0F) << 12) | (UInt32(bytes[p + 1] & 0x3F) << 6) | UInt32(bytes[p + 2] & 0x3F); p += 3
            } else {
                value = (UInt32(b0 & 0x07) << 18) | (UInt32(bytes[p + 1] & 0x3F) << 12)
                    | (UInt32(bytes[p + 2] & 0x3F) << 6) | UInt32(bytes[p + 3] & 0x3F); p += 4
            }
            values.append(value)
            let slot = Int(value & 4095)
            if cacheKeys[slot] == value {
                classes.append(cacheClasses[slot])
            } else {
                let c = ScalarClass.classify(Unicode.Scalar(value)!)
                cacheKeys[slot] = value
                cacheClasses[slot] = c
                classes.append(c)
            }
        }
        offsets.append(range.upperBound)
    }

    // MARK: The patterns (each returns the end index of the match starting at `i`)

    private typealias Classes = UnsafeBufferPointer<UInt8>
    private typealias Values = UnsafeBufferPointer<UInt32>

    @inline(__always)
    private static func run(_ cls: Classes, from start: Int, while mask: UInt8) -> Int {
        var j = start
        while j < cls.count && cls[j] & mask != 0 { j += 1 }
        return j
    }

    @inline(__always)
    private static func runOther(_ cls: Classes, from start: Int) -> Int {
        var j = start
        while j < cls.count && ScalarClass.isOther(cls[j]) { j += 1 }
        return j
    }

    /// `'s|'t|'re|'ve|'m|'ll|'d` after an apostrophe at `i`, optionally case-insensitive.
    @inline(__always)
    private static func contraction(_ vals: Values, _ i: Int, caseInsensitive: Bool) -> Int? {
        guard i + 1 < vals.count else { return nil }
        func lower(_ v: UInt32) -> UInt32 {
            guard caseInsensitive else { return v }
            if v >= 65 && v <= 90 { return v + 32 }
            return v == 0x17F ? 115 : v  // LATIN SMALL LETTER LONG S folds to s
        }
        switch lower(vals[i + 1]) {
        case 115, 116, 109, 100: return i + 2  // s t m d
        case 114, 118:  // r v
            return i + 2 < vals.count && lower(vals[i + 2]) == 101 ? i + 3 : nil  // e
        case 108:  // l
            return i + 2 < vals.count && lower(vals[i + 2]) == 108 ? i + 3 : nil
        default: return nil
        }
    }

    /// `\s+(?!\S)|\s+` at a whitespace scalar `i`.
    @inline(__always)
    private static func trailingSpace(_ cls: Classes, _ i: Int) -> Int {
        let end = run(cls, from: i, while: ScalarClass.space)
        if end == cls.count || end - i == 1 { return end }
        return end - 1
    }

    private static func gpt2(_ cls: Classes, _ vals: Values, _ i: Int) -> Int {
        let c = cls[i]
        if c & ScalarClass.apostrophe != 0, let end = contraction(vals, i, caseInsensitive: false) { return end }
        // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`
        let j = c & ScalarClass.blank != 0 && i + 1 < cls.count ? i + 1 : i
        let d = cls[j]
        if d & ScalarClass.letter != 0 { return run(cls, from: j, while: ScalarClass.letter) }
        if c & ScalarClass.letter != 0 { return run(cls, from: i, while: ScalarClass.letter) }
        if d & ScalarClass.number != 0 { return run(cls, from: j, while: ScalarClass.number) }
        if c & ScalarClass.number != 0 { return run(cls, from: i, while: ScalarClass.number) }
        if ScalarClass.isOther(d) { return runOther(cls, from: j) }
        if ScalarClass.isOther(c) { return runOther(cls, from: i) }
        return trailingSpace(cls, i)
    }

    private static func llama3(_ cls: Classes, _ vals: Values, _ i: Int, maxDigits: Int) -> Int {
        let c = cls[i]
        if c & ScalarClass.apostrophe != 0, let end = contraction(vals, i, caseInsensitive: true) { return end }
        // `[^\r\n\p{L}\p{N}]?\p{L}+`
        if c & ScalarClass.letter != 0 { return run(cls, from: i, while: ScalarClass.letter) }
        if c & (ScalarClass.newline | ScalarClass.number) == 0 && i + 1 < cls.count && cls[i + 1] & ScalarClass.letter != 0 {
            return run(cls, from: i + 1, while: ScalarClass.letter)
        }
        // `\p{N}{1,3}`
        if c & ScalarClass.number != 0 {
            var j = i + 1
            while j < cls.count && j - i < maxDigits && cls[j] & ScalarClass.number != 0 { j += 1 }
            return j
        }
        // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
        var j = i
        if c & ScalarClass.blank != 0 && i + 1 < cls.count && ScalarClass.isOther(cls[i + 1]) { j = i + 1 }
        if ScalarClass.isOther(cls[j]) {
            return run(cls, from: runOther(cls, from: j), while: ScalarClass.newline)
        }
        // `\s*[\r\n]+`: up to just after the last \r or \n of the whitespace run
        let end = run(cls, from: i, while: ScalarClass.space)
        var k = end
        while k > i && cls[k - 1] & ScalarClass.newline == 0 { k -= 1 }
        if k > i { return k }
        return trailingSpace(cls, i)
    }
}
