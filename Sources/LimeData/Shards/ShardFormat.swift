/// Constants of the shard format (see `Schemas/shard-format.md`).
public enum ShardFormat {
    public static let magic: [UInt8] = Array("LIMESHRD".utf8)
    public static let version: UInt32 = 1
    public static let headerSize = 128
    public static let sectionEntrySize = 64
    public static let flagTokensU32: UInt32 = 1
    public static let fileExtension = "lime"

    /// Section kinds, in the order they appear in a shard.
    public enum Section: UInt32, CaseIterable, Sendable {
        case tokens = 1, tag = 2, pos = 3, ner = 4, wordStart = 5, docOffsets = 6, docIDs = 7

        public var name: String {
            switch self {
            case .tokens: return "tokens"
            case .tag: return "tag"
            case .pos: return "pos"
            case .ner: return "ner"
            case .wordStart: return "word_start"
            case .docOffsets: return "doc_offsets"
            case .docIDs: return "doc_ids"
            }
        }
    }

    /// Shard file name of a work unit: `shard-FFFFF-UUUUUU.lime`.
    public static func fileName(inputIndex: Int, unitOrdinal: Int) -> String {
        "shard-" + pad(inputIndex, 5) + "-" + pad(unitOrdinal, 6) + "." + fileExtension
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
