/// One pre-tokenizer token: a span of the document's UTF-8 bytes.
///
/// A single space after a token belongs to no token (spaCy's `whitespace_`); every other
/// whitespace run is a token of its own with `isSpace` set.
public struct TokenSpan: Equatable, Hashable, Sendable {
    /// Byte offset of the token's first byte.
    public var start: Int32
    /// Byte offset one past the token's last byte.
    public var end: Int32
    /// Whether the token is whitespace (a run of spaces, newlines, tabs).
    public var isSpace: Bool

    public init(start: Int32, end: Int32, isSpace: Bool = false) {
        self.start = start
        self.end = end
        self.isSpace = isSpace
    }
}
