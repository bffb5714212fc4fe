/// The pre-tokenizer regexes lime implements natively, by exact pattern text. Each is a
/// hand-written scanner with the semantics of the Oniguruma regex `tokenizers` uses
/// (leftmost-first alternation, greedy repetition, backtracking where the pattern needs it).
enum PreTokenizerPattern: Equatable {
    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
    case gpt2
    /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
    /// (Llama 3 with `maxDigits` 3; Qwen 2 writes `\p{N}` alone, `maxDigits` 1).
    case llama3(maxDigits: Int)

    static let gpt2Regex = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
    static let llama3Regex = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let qwen2Regex = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    init?(regex: String) {
        switch regex {
        case Self.gpt2Regex: self = .gpt2
        case Self.llama3Regex: self = .llama3(maxDigits: 3)
        case Self.qwen2Regex: self = .llama3(maxDigits: 1)
        default: return nil
        }
    }
}

/// Character classes of the patterns, as bits.
enum ScalarClass {
    static let letter: UInt8 = 1       // \p{L}
    static let number: UInt8 = 2       // \p{N}
    static let space: UInt8 = 4        // \s (Unicode White_Space)
    static let blank: UInt8 = 8        // the literal ' '
    static let newline: UInt8 = 16     // \r or \n
    static let apostrophe: UInt8 = 32  // '

    /// `[^\s\p{L}\p{N}]`
    @inline(__always) static func isOther(_ c: UInt8) -> Bool { c & (letter | number | space) == 0 }

    static let ascii: [UInt8] = (0..<128).map { classify(Unicode.Scalar(UInt8($0))) }

    static func classify(_ scalar: Unicode.Scalar) -> UInt8 {
        let properties = scalar.properties
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return letter
        case .decimalNumber, .letterNumber, .otherNumber:
            return number
        default:
            guard properties.isWhitespace else { return scalar == "'" ? apostrophe : 0 }
            switch scalar {
            case " ": return space | blank
            case "\r", "\n": return space | newline
            default: return space
            }
        }
    }
}
