/// Character classes of spaCy's English tokenizer rules, one bit each.
struct CharClass: OptionSet, Sendable {
    let rawValue: UInt16

    /// `str.isspace()`: splits the text into chunks.
    static let space = CharClass(rawValue: 1 << 0)
    /// A one-character prefix (`(`, `"`, `$`, ...).
    static let prefix = CharClass(rawValue: 1 << 1)
    /// A one-character suffix (`)`, `"`, `!`, ...).
    static let suffix = CharClass(rawValue: 1 << 2)
    /// Symbols and emoji (`LIST_ICONS`).
    static let icon = CharClass(rawValue: 1 << 3)
    /// `ALPHA`, `ALPHA_LOWER`, `ALPHA_UPPER`.
    static let alpha = CharClass(rawValue: 1 << 4)
    static let lower = CharClass(rawValue: 1 << 5)
    static let upper = CharClass(rawValue: 1 << 6)
    /// `CONCAT_QUOTES`.
    static let quote = CharClass(rawValue: 1 << 7)
    /// What may precede a suffix `.` (`[0-9{al}{e}{p}(?:{q})]`).
    static let dotBehind = CharClass(rawValue: 1 << 8)
    /// Python's `\d` and `\w`.
    static let digit = CharClass(rawValue: 1 << 9)
    static let word = CharClass(rawValue: 1 << 10)
    /// `[A-Za-z0-9\u00a1-\uffff]` of the URL host pattern.
    static let urlHost = CharClass(rawValue: 1 << 11)
    /// A character an infix match can start with.
    static let infixStart = CharClass(rawValue: 1 << 12)

    static let names: [String: CharClass] = [
        "space": .space, "prefix": .prefix, "suffix": .suffix, "icon": .icon, "alpha": .alpha,
        "lower": .lower, "upper": .upper, "quote": .quote, "dotBehind": .dotBehind,
        "digit": .digit, "word": .word, "urlHost": .urlHost,
    ]
}

/// The class bits of every Unicode scalar, built once from `PretokenizerData`.
final class CharClassTable: @unchecked Sendable {
    static let shared = CharClassTable()
    static let scalarCount = 0x110000

    /// One entry per scalar value; never freed (lives as long as the process).
    let bits: UnsafeMutablePointer<UInt16>

    private init() {
        bits = .allocate(capacity: Self.scalarCount)
        bits.initialize(repeating: 0, count: Self.scalarCount)
        for (name, ranges) in PretokenizerData.classRanges {
            guard let flag = CharClass.names[name] else { preconditionFailure("unknown class \(name)") }
            for range in ranges.split(separator: " ") {
                let bounds = range.split(separator: "-")
                let first = Int(bounds[0], radix: 16)!, last = Int(bounds[1], radix: 16)!
                for scalar in first...last { bits[scalar] |= flag.rawValue }
            }
        }
        // Infix rules start with `..`, `…`, an icon, `[+\-*^]`, `.`, `,`, a hyphen or `[:<>=/]`.
        for scalar in ".…+-*^,–—~:<>=/".unicodeScalars { bits[Int(scalar.value)] |= CharClass.infixStart.rawValue }
        for scalar in 0..<Self.scalarCount where bits[scalar] & CharClass.icon.rawValue != 0 {
            bits[scalar] |= CharClass.infixStart.rawValue
        }
    }

    @inline(__always) subscript(scalar: UInt32) -> UInt16 { bits[Int(scalar)] }
}
