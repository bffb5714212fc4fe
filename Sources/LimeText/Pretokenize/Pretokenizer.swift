/// spaCy-compatible English pre-tokenizer (the rules of spaCy 3.8's `English().tokenizer`):
/// splits text on whitespace, then splits prefixes, suffixes, infixes and special cases
/// (contractions, abbreviations, emoticons), keeping URLs and e-mail addresses whole.
///
/// Tokens are UTF-8 byte spans. Every byte of the input is in a token or is the single
/// space that follows a token, so the text can be rebuilt from the spans.
public struct Pretokenizer: Sendable {
    let classes: CharClassTable
    let specials: SpecialCaseTable
    let affixes: AffixRules
    let matcher: SpecialCaseMatcher

    public init() {
        classes = .shared
        specials = .shared
        affixes = AffixRules()
        matcher = SpecialCaseMatcher(specials: .shared)
    }

    /// The spaCy version whose rules this pre-tokenizer follows.
    public static var spacyVersion: String { PretokenizerData.spacyVersion }

    /// Splits `text` into tokens (UTF-8 byte offsets into `text`).
    public func tokenize(_ text: String) -> [TokenSpan] {
        var text = text
        return text.withUTF8 { tokenize(utf8: $0) }
    }

    /// Splits UTF-8 text (shorter than 2 GiB) into tokens (byte offsets into `utf8`).
    /// Invalid UTF-8 never reads out of bounds, but its tokens are unspecified.
    public func tokenize(utf8: UnsafeBufferPointer<UInt8>) -> [TokenSpan] {
        var tokens: [TokenSpan] = []
        if utf8.isEmpty { return tokens }
        precondition(utf8.count < Int(Int32.max), "documents must be shorter than 2 GiB")
        tokens.reserveCapacity(utf8.count / 4 + 4)
        let workspace = PretokenizerWorkspace()
        let bytes = utf8.baseAddress!
        let count = utf8.count
        var position = 0
        var chunkCount = 0
        var inSpace = false
        var first = true
        // Whether the chunk so far is ASCII letters only: no affix, infix or URL rule applies.
        var lettersOnly = true
        while position < count {
            // Decode one scalar.
            let start = position
            let lead = UInt32(bytes[position])
            var scalar: UInt32
            if lead < 0x80 {
                scalar = lead
                position += 1
            } else if position + (lead < 0xE0 ? 1 : lead < 0xF0 ? 2 : 3) >= count {
                // A sequence cut off by the end of invalid input: one replacement character.
                scalar = 0xFFFD
                position += 1
            } else if lead < 0xE0 {
                scalar = (lead & 0x1F) << 6 | UInt32(bytes[position + 1] & 0x3F)
                position += 2
            } else if lead < 0xF0 {
                scalar = (lead & 0x0F) << 12 | UInt32(bytes[position + 1] & 0x3F) << 6 | UInt32(bytes[position + 2] & 0x3F)
                position += 3
            } else {
                scalar = (lead & 0x07) << 18 | UInt32(bytes[position + 1] & 0x3F) << 12
                    | UInt32(bytes[position + 2] & 0x3F) << 6 | UInt32(bytes[position + 3] & 0x3F)
                position += 4
            }
            let bits = classes[scalar]
            let isSpace = bits & CharClass.space.rawValue != 0
            if first {
                inSpace = isSpace
                first = false
            } else if isSpace != inSpace {
                if chunkCount > 0 {
                    workspace.offsets[chunkCount] = Int32(start)
                    tokenizeChunk(workspace, chunkCount, isSpace: inSpace, lettersOnly: lettersOnly, into: &tokens)
                    chunkCount = 0
                    lettersOnly = true
                }
                inSpace = isSpace
                // A single space after a token is its trailing whitespace, not a token.
                if scalar == 0x20 { continue }
            }
            if chunkCount == workspace.capacity { workspace.grow(keeping: chunkCount) }
            workspace.scalars[chunkCount] = scalar
            workspace.classes[chunkCount] = bits
            workspace.offsets[chunkCount] = Int32(start)
            chunkCount += 1
            lettersOnly = lettersOnly && (scalar | 0x20) &- 0x61 < 26
        }
        if chunkCount > 0 {
            workspace.offsets[chunkCount] = Int32(count)
            tokenizeChunk(workspace, chunkCount, isSpace: inSpace, lettersOnly: lettersOnly, into: &tokens)
        }
        matcher.apply(to: &tokens, utf8: utf8)
        return tokens
    }
}
