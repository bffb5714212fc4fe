/// A label vocabulary with stable integer ids.
///
/// Ids 0, 1 and 2 are reserved in every tag set: `<pad>` (padding), `<unk>` (a label
/// the annotator produced that the set does not know) and `<sep>` (document separator,
/// used by the trainer between packed documents). Labels follow from id 3 on.
public struct TagSet: Sendable, Equatable {
    public static let padID: UInt8 = 0
    public static let unknownID: UInt8 = 1
    public static let separatorID: UInt8 = 2
    public static let reserved = ["<pad>", "<unk>", "<sep>"]

    /// The set's name (`tag`, `pos`, `ner`).
    public let name: String
    /// All labels, indexed by id (reserved ones included).
    public let labels: [String]
    private let ids: [String: UInt8]

    public init(name: String, labels: [String]) {
        precondition(labels.count + Self.reserved.count <= 256, "tag set \(name) does not fit in UInt8")
        self.name = name
        self.labels = Self.reserved + labels
        var ids: [String: UInt8] = [:]
        for (index, label) in self.labels.enumerated() { ids[label] = UInt8(index) }
        self.ids = ids
    }

    /// The id of `label`, or `unknownID` when the set does not contain it.
    public func id(_ label: String) -> UInt8 { ids[label] ?? Self.unknownID }

    /// The id of `label`, or nil when the set does not contain it.
    public func lookup(_ label: String) -> UInt8? { ids[label] }

    /// The label of `id` (`<unk>` for ids outside the set).
    public func label(_ id: UInt8) -> String {
        Int(id) < labels.count ? labels[Int(id)] : Self.reserved[Int(Self.unknownID)]
    }

    public var count: Int { labels.count }

    public static func == (lhs: TagSet, rhs: TagSet) -> Bool {
        lhs.name == rhs.name && lhs.labels == rhs.labels
    }
}

/// The three tag sets lime annotates with. `Schemas/tagsets.json` is generated from
/// these definitions (`lime schema tagsets`) and a test keeps the two equal.
public enum TagSets {
    /// Fine-grained Penn Treebank tags: the 50 labels of spaCy's English `tag_`.
    public static let tag = TagSet(name: "tag", labels: [
        "$", "''", ",", "-LRB-", "-RRB-", ".", ":", "ADD", "AFX", "CC", "CD", "DT", "EX",
        "FW", "HYPH", "IN", "JJ", "JJR", "JJS", "LS", "MD", "NFP", "NN", "NNP", "NNPS",
        "NNS", "PDT", "POS", "PRP", "PRP$", "RB", "RBR", "RBS", "RP", "SYM", "TO", "UH",
        "VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "WDT", "WP", "WP$", "WRB", "XX", "_SP", "``",
    ])

    /// Universal POS tags (UD v2) plus spaCy's `SPACE`.
    public static let pos = TagSet(name: "pos", labels: [
        "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON",
        "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X", "SPACE",
    ])

    /// The 18 OntoNotes 5 entity types.
    public static let entityTypes = [
        "CARDINAL", "DATE", "EVENT", "FAC", "GPE", "LANGUAGE", "LAW", "LOC", "MONEY", "NORP",
        "ORDINAL", "ORG", "PERCENT", "PERSON", "PRODUCT", "QUANTITY", "TIME", "WORK_OF_ART",
    ]

    /// Named entities in IOB2: `O`, then `B-TYPE`, `I-TYPE` for each OntoNotes type.
    public static let ner = TagSet(
        name: "ner",
        labels: ["O"] + entityTypes.flatMap { ["B-\($0)", "I-\($0)"] }
    )

    public static let all = [tag, pos, ner]

    /// The tag sets as canonical JSON (sorted keys, fixed layout): the bytes of
    /// `Schemas/tagsets.json`, whose SHA-256 identifies the tag sets in shard headers.
    public static func canonicalJSON() -> String {
        var out = "{\n  \"reserved\": {\"pad\": 0, \"unk\": 1, \"sep\": 2},\n  \"version\": 1"
        for set in all {
            let labels = set.labels.map { "\"\(jsonEscape($0))\"" }.joined(separator: ", ")
            out += ",\n  \"\(set.name)\": [\(labels)]"
        }
        return out + "\n}\n"
    }

    private static func jsonEscape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
