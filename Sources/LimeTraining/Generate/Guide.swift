import LimeText

/// Metadata of the words to generate: per word a fine-grained tag, a UPOS tag and an IOB2
/// entity label, each optional. `resolve` fills what it can derive (UPOS from the tag by
/// `TagSets.upos`) and refuses, by kind and word, what a model needs but the guide lacks.
public struct Guide: Sendable, Equatable {
    public struct Word: Sendable, Equatable {
        public var tag: UInt8?
        public var pos: UInt8?
        public var ner: UInt8?
        /// `*` in `--guide`: a model with a metadata head predicts this word's metadata.
        public var predicted: Bool
        public init(tag: UInt8? = nil, pos: UInt8? = nil, ner: UInt8? = nil, predicted: Bool = false) {
            self.tag = tag
            self.pos = pos
            self.ner = ner
            self.predicted = predicted
        }
    }

    public var words: [Word]

    public init(words: [Word]) { self.words = words }

    /// Parses `--guide` words (`TAG` or `TAG/UPOS/NER`, any field empty, e.g. `NNP//B-PERSON`)
    /// and the optional `--guide-pos` and `--guide-ner` lists (one label per word; they must
    /// agree with labels given in `guide`). Every given list must have the same length.
    public static func parse(guide: [String]?, pos: [String]? = nil, ner: [String]? = nil) throws -> Guide {
        let counts = [guide?.count, pos?.count, ner?.count].compactMap { $0 }
        guard let count = counts.first else { throw TrainerError("empty guide: pass --guide, --guide-pos or --guide-ner") }
        guard counts.allSatisfy({ $0 == count }) else {
            throw TrainerError("guide lists differ in length (--guide, --guide-pos, --guide-ner: \(counts.map(String.init).joined(separator: ", ")) words)")
        }
        func id(_ label: Substring, _ set: TagSet, _ word: Int, _ option: String) throws -> UInt8? {
            guard !label.isEmpty else { return nil }
            guard let id = set.lookup(String(label)), id > TagSet.separatorID else {
                throw TrainerError("unknown \(set.name) '\(label)' for word \(word + 1) in \(option)")
            }
            return id
        }
        func merge(_ a: UInt8?, _ b: UInt8?, _ kind: String, _ word: Int) throws -> UInt8? {
            if let a, let b, a != b { throw TrainerError("word \(word + 1): --guide and --guide-\(kind) give different \(kind) labels") }
            return a ?? b
        }
        var words: [Word] = []
        for i in 0..<count {
            var word = Word()
            if let guide, guide[i] == "*" {
                guard (pos?[i] ?? "").isEmpty || pos?[i] == "*", (ner?[i] ?? "").isEmpty || ner?[i] == "*" else {
                    throw TrainerError("word \(i + 1): '*' leaves its metadata to the head, but --guide-pos or --guide-ner gives a label")
                }
                words.append(Word(predicted: true))
                continue
            }
            if let guide {
                let fields = guide[i].split(separator: "/", omittingEmptySubsequences: false)
                guard fields.count == 1 || fields.count == 3 else {
                    throw TrainerError("guide word \(i + 1) '\(guide[i])': expected TAG or TAG/UPOS/NER")
                }
                word.tag = try id(fields[0], TagSets.tag, i, "--guide")
                if fields.count == 3 {
                    word.pos = try id(fields[1], TagSets.pos, i, "--guide")
                    word.ner = try id(fields[2], TagSets.ner, i, "--guide")
                }
            }
            if let pos { word.pos = try merge(word.pos, try id(Substring(pos[i]), TagSets.pos, i, "--guide-pos"), "pos", i) }
            if let ner { word.ner = try merge(word.ner, try id(Substring(ner[i]), TagSets.ner, i, "--guide-ner"), "ner", i) }
            words.append(word)
        }
        return Guide(words: words)
    }

    /// Per word, the metadata ids of `kinds` in order; UPOS is derived from the tag when not
    /// given. Throws naming the first kind and word the guide cannot supply.
    public func resolve(_ kinds: [MetadataKind]) throws -> [[UInt8]] {
        try resolve(kinds, allowingPredicted: false).map { $0! }
    }

    /// As `resolve`, with nil for the `*` words (refused unless `allowingPredicted`: only a
    /// `lime+1` model with a metadata head can predict them).
    public func resolve(_ kinds: [MetadataKind], allowingPredicted: Bool) throws -> [[UInt8]?] {
        try words.enumerated().map { i, word -> [UInt8]? in
            if word.predicted {
                guard allowingPredicted else {
                    throw TrainerError("guide word \(i + 1) is '*', which only a lime+1 model with a metadata head can predict")
                }
                return nil
            }
            return try kinds.map { kind -> UInt8 in
                let value: UInt8?
                switch kind {
                case .tag: value = word.tag
                case .pos: value = word.pos ?? word.tag.flatMap(TagSets.uposID(forTag:))
                case .ner: value = word.ner
                }
                guard let value else {
                    let how = kind == .pos ? "give a tag or UPOS (TAG/UPOS/NER or --guide-pos)"
                        : kind == .tag ? "give a tag (TAG/UPOS/NER or --guide)" : "give an entity label (TAG/UPOS/NER or --guide-ner)"
                    throw TrainerError("the model uses \(kind.rawValue) metadata but the guide has none for word \(i + 1): \(how)")
                }
                return value
            }
        }
    }
}
