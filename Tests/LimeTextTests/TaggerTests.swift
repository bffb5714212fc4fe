import Foundation
import Testing
@testable import LimeText

/// UD English EWT (gold PTB tags), from `LIME_EWT_DIR` or `../shared/data/ud-english-ewt`
/// beside the package.
enum EWTData {
    static var directory: String {
        if let dir = ProcessInfo.processInfo.environment["LIME_EWT_DIR"] { return dir }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent("../shared/data/ud-english-ewt").standardized.path
    }
    static var train: String { directory + "/en_ewt-ud-train.conllu.zst" }
    static var dev: String { directory + "/en_ewt-ud-dev.conllu.zst" }
    static var available: Bool { FileManager.default.fileExists(atPath: train) && FileManager.default.fileExists(atPath: dev) }
}

@Suite struct TaggerTrainingTests {
    /// A tagger trained on 2,000 real EWT sentences tags 400 unseen dev sentences with
    /// at least 85% PTB tag accuracy and 85% UPOS accuracy (a majority-tag baseline
    /// reaches about 80% on unseen text).
    @Test(.enabled(if: EWTData.available)) func learnsTagsOnHeldOutSentences() throws {
        let train = Array(try CorpusReader.readCoNLLU(path: EWTData.train).prefix(2000))
        let dev = Array(try CorpusReader.readCoNLLU(path: EWTData.dev).prefix(400))
        var options = TaggerTrainingOptions()
        options.epochs = 4
        let model = TaggerTrainer(options: options).train(train)
        let session = TaggerSession(model: model)
        var evaluation = TaggerEvaluation()
        for doc in dev {
            let tokens = session.annotate(text: doc.text, spans: doc.spans)
            evaluation.add(reference: doc, predicted: TaggedDocument(source: doc.source, text: doc.text, tokens: tokens))
        }
        #expect(evaluation.tagCompared > 5000)
        #expect(evaluation.tagAccuracy >= 0.85, "tag accuracy \(evaluation.tagAccuracy)")
        #expect(evaluation.posAccuracy >= 0.85, "pos accuracy \(evaluation.posAccuracy)")
    }

    /// Entities: trained on real sentences with person and city names marked, the
    /// tagger marks different names in unseen sentences of the same shape, and its
    /// output is always valid IOB2.
    @Test func learnsEntitiesAndKeepsIOB2Valid() throws {
        let (train, test) = NameFrames.documents()
        var options = TaggerTrainingOptions()
        options.epochs = 8
        options.pruneThreshold = 0
        let model = TaggerTrainer(options: options).train(train)
        var evaluation = TaggerEvaluation()
        for doc in test { evaluation.add(reference: doc, predicted: NameFrames.annotateValid(model, doc)) }
        #expect(evaluation.referenceEntities == 11)
        #expect(evaluation.entityF1 >= 0.8, "entity F1 \(evaluation.entityF1)")
    }
}

@Suite struct TaggerEvaluationTests {
    @Test func entitySpansAndScores() {
        let text = Array("New York is big and Paris too".utf8)
        let words = [(0, 3), (4, 8), (9, 11), (12, 15), (16, 19), (20, 25), (26, 29)]
        func doc(_ ner: [String]) -> TaggedDocument {
            TaggedDocument(source: "t", text: text, starts: words.map { Int32($0.0) }, ends: words.map { Int32($0.1) },
                           tags: nil, pos: nil, ner: ner.map { TagSets.ner.id($0) })
        }
        let reference = doc(["B-GPE", "I-GPE", "O", "O", "O", "B-GPE", "O"])
        #expect(TaggerEvaluation.entities(reference).map { [$0.start, $0.end] } == [[0, 8], [20, 25]])
        var evaluation = TaggerEvaluation()
        evaluation.add(reference: reference, predicted: doc(["B-GPE", "O", "O", "O", "O", "B-GPE", "O"]))
        #expect(evaluation.matchedEntities == 1)
        #expect(evaluation.predictedEntities == 2)
        #expect(abs(evaluation.entityF1 - 0.5) < 1e-9)
        #expect(evaluation.tokenF1 == 1)
    }
}

/// Real sentence frames with person and city names marked (PERSON, GPE): training
/// documents over six names of each kind, test documents over two unseen ones (11 entities).
enum NameFrames {
    /// Annotates `doc` with `model` and checks the entity labels are valid IOB2.
    static func annotateValid(_ model: TaggerModel, _ doc: TaggedDocument) -> TaggedDocument {
        let tokens = model.annotate(text: doc.text, spans: doc.spans)
        var previous = "O"
        for t in tokens {
            let label = TagSets.ner.label(t.ner)
            if label.hasPrefix("I-") { #expect(previous.dropFirst(2) == label.dropFirst(2), "invalid IOB2 \(previous) -> \(label)") }
            previous = label
        }
        return TaggedDocument(source: doc.source, text: doc.text, tokens: tokens)
    }

    static func documents() -> (train: [TaggedDocument], test: [TaggedDocument]) {
        let people = ["Maria Lopez", "John Smith", "Wei Chen", "Anna Berg", "Omar Khan", "Lena Fischer", "Paul Martin", "Sara Cole"]
        let cities = ["Paris", "Boston", "Nairobi", "Madrid", "Oslo", "Lima", "Denver", "Kyoto"]
        let frames = ["%P moved to %C last year .", "Yesterday %P flew from %C to %C .", "%P said the weather in %C was cold .",
                      "The mayor of %C met %P on Monday .", "We visited %C with %P ."]
        func document(_ frame: String, _ p: [String], _ c: [String]) -> TaggedDocument {
            var text: [UInt8] = [], starts: [Int32] = [], ends: [Int32] = [], ner: [UInt8] = []
            var pi = 0, ci = 0
            for slot in frame.split(separator: " ") {
                let (words, type): ([Substring], String?) = slot == "%P" ? (p[pi].split(separator: " "), "PERSON")
                    : slot == "%C" ? (c[ci].split(separator: " "), "GPE") : ([slot], nil)
                if slot == "%P" { pi += 1 }
                if slot == "%C" { ci += 1 }
                for (k, word) in words.enumerated() {
                    if !text.isEmpty { text.append(32) }
                    starts.append(Int32(text.count))
                    text.append(contentsOf: word.utf8)
                    ends.append(Int32(text.count))
                    ner.append(TagSets.ner.id(type.map { (k == 0 ? "B-" : "I-") + $0 } ?? "O"))
                }
            }
            return TaggedDocument(source: "test", text: text, starts: starts, ends: ends, tags: nil, pos: nil, ner: ner)
        }
        var train: [TaggedDocument] = []
        for (i, frame) in frames.enumerated() {
            for j in 0..<6 {
                train.append(document(frame, [people[(i + j) % 6]], [cities[(i + j) % 6], cities[(i + j + 1) % 6]]))
            }
        }
        let test = frames.map { document($0, [people[6 + ($0.count % 2)]], [cities[6], cities[7]]) }
        return (train, test)
    }
}
