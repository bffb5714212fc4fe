/// Finds added tokens in raw text as `tokenizers` does: leftmost-longest, non-overlapping
/// matches (a byte trie), with `single_word`, `lstrip` and `rstrip` applied per match.
struct AddedTokenMatcher {
    private let tokens: [HFAddedToken]
    private var transitions: [Int: Int32] = [:]  // (node << 8 | byte) -> node
    private var terminal: [Int32] = [-1]         // node -> token index or -1
    private var firstByte = [Bool](repeating: false, count: 256)
    var isEmpty: Bool { tokens.isEmpty }

    init(_ tokens: [HFAddedToken]) {
        self.tokens = tokens
        for (index, token) in tokens.enumerated() {
            var node = 0
            for byte in token.content.utf8 {
                let key = node << 8 | Int(byte)
                if let child = transitions[key] {
                    node = Int(child)
                } else {
                    terminal.append(-1)
                    transitions[key] = Int32(terminal.count - 1)
                    node = terminal.count - 1
                }
            }
            if terminal[node] < 0 { terminal[node] = Int32(index) }
            firstByte[Int(token.content.utf8.first!)] = true
        }
    }

    /// A matched token: its id and byte range in the text (after lstrip/rstrip).
    struct Match { let id: Int32; let begin: Int; let end: Int }

    /// All matches in `text`, in order.
    func matches(in text: UnsafeBufferPointer<UInt8>) -> [Match] {
        guard !tokens.isEmpty else { return [] }
        var found: [Match] = []
        var position = 0
        var lastEnd = 0
        while let (start, stop, index) = leftmostLongest(text, from: position) {
            position = stop
            let token = tokens[index]
            if token.singleWord && (Self.endsWithWordChar(text, start) || Self.startsWithWordChar(text, stop)) { continue }
            var begin = start, end = stop
            if token.lstrip {
                while begin > lastEnd, let (scalar, length) = Self.scalar(endingAt: begin, text), scalar.properties.isWhitespace { begin -= length }
            }
            if token.rstrip {
                while end < text.count, let (scalar, length) = Self.scalar(at: end, text), scalar.properties.isWhitespace { end += length }
            }
            found.append(Match(id: token.id, begin: max(begin, lastEnd), end: end))
            lastEnd = end
            position = max(position, end)
        }
        return found
    }

    private func leftmostLongest(_ text: UnsafeBufferPointer<UInt8>, from: Int) -> (Int, Int, Int)? {
        var start = from
        while start < text.count {
            if firstByte[Int(text[start])] {
                var node = 0, best: (Int, Int)? = nil, p = start
                while p < text.count, let child = transitions[node << 8 | Int(text[p])] {
                    node = Int(child)
                    p += 1
                    if terminal[node] >= 0 { best = (p, Int(terminal[node])) }
                }
                if let (stop, index) = best { return (start, stop, index) }
            }
            start += 1
        }
        return nil
    }

    // MARK: Unicode helpers (valid UTF-8 assumed)

    private static func scalar(at offset: Int, _ text: UnsafeBufferPointer<UInt8>) -> (Unicode.Scalar, Int)? {
        var iterator = text[offset...].makeIterator()
        var decoder = UTF8()
        guard case .scalarValue(let scalar) = decoder.decode(&iterator) else { return nil }
        return (scalar, UTF8.width(scalar))
    }

    private static func scalar(endingAt offset: Int, _ text: UnsafeBufferPointer<UInt8>) -> (Unicode.Scalar, Int)? {
        var start = offset - 1
        while start > 0 && text[start] & 0xC0 == 0x80 { start -= 1 }
        return start >= 0 ? scalar(at: start, text) : nil
    }

    /// Rust regex `\w`: Alphabetic, marks, decimal digits, connector punctuation, Join_Control.
    private static func isWordChar(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        if properties.isAlphabetic || properties.isJoinControl { return true }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }

    private static func endsWithWordChar(_ text: UnsafeBufferPointer<UInt8>, _ offset: Int) -> Bool {
        offset > 0 && scalar(endingAt: offset, text).map { isWordChar($0.0) } == true
    }

    private static func startsWithWordChar(_ text: UnsafeBufferPointer<UInt8>, _ offset: Int) -> Bool {
        offset < text.count && scalar(at: offset, text).map { isWordChar($0.0) } == true
    }
}
