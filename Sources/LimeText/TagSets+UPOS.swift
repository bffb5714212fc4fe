extension TagSets {
    /// The standard PTB-to-UPOS map for English: spaCy's English tag map with the UD v2
    /// choices `MD`→`AUX` and `PRP$`, `WP$`→`PRON` (as in UD English EWT). One UPOS per
    /// tag; context-dependent cases (`VBZ` as `AUX` for "is") get the tag's default.
    public static let upos: [String: String] = [
        "$": "SYM", "''": "PUNCT", ",": "PUNCT", "-LRB-": "PUNCT", "-RRB-": "PUNCT", ".": "PUNCT",
        ":": "PUNCT", "ADD": "X", "AFX": "ADJ", "CC": "CCONJ", "CD": "NUM", "DT": "DET", "EX": "PRON",
        "FW": "X", "HYPH": "PUNCT", "IN": "ADP", "JJ": "ADJ", "JJR": "ADJ", "JJS": "ADJ", "LS": "X",
        "MD": "AUX", "NFP": "PUNCT", "NN": "NOUN", "NNP": "PROPN", "NNPS": "PROPN", "NNS": "NOUN",
        "PDT": "DET", "POS": "PART", "PRP": "PRON", "PRP$": "PRON", "RB": "ADV", "RBR": "ADV",
        "RBS": "ADV", "RP": "ADP", "SYM": "SYM", "TO": "PART", "UH": "INTJ", "VB": "VERB",
        "VBD": "VERB", "VBG": "VERB", "VBN": "VERB", "VBP": "VERB", "VBZ": "VERB", "WDT": "DET",
        "WP": "PRON", "WP$": "PRON", "WRB": "ADV", "XX": "X", "_SP": "SPACE", "``": "PUNCT",
    ]

    /// The UPOS id (`TagSets.pos`) of a fine-grained tag id (`TagSets.tag`), or nil for
    /// reserved or unknown ids.
    public static func uposID(forTag id: UInt8) -> UInt8? {
        guard id > TagSet.separatorID, let label = upos[tag.label(id)] else { return nil }
        return pos.lookup(label)
    }
}
