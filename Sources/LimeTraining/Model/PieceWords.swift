import LimeData

/// Which pieces can begin a linguistic word: a leading space, punctuation or a control
/// piece (anything but a letter or digit first). Generation decides word boundaries by it.
public enum PieceWords {
    /// Whether a piece with these bytes can begin a word.
    public static func startsWord(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first else { return true }
        let alnum = (first >= 0x30 && first <= 0x39) || (first | 0x20 >= 0x61 && first | 0x20 <= 0x7A) || first >= 0x80
        return !alnum
    }

    /// `startsWord` for every piece of `tokenizer`, indexed by piece id.
    public static func table(_ tokenizer: any SubwordTokenizer) -> [Bool] { tokenizer.pieceBytes.map(startsWord) }
}
