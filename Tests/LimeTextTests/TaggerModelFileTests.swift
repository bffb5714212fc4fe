import Foundation
import Testing
@testable import LimeText

@Suite struct TaggerModelFileTests {
    /// A small model trained on real EWT sentences (or on a few sentences when EWT is absent).
    static func smallModel() throws -> (TaggerModel, [TaggedDocument]) {
        var docs: [TaggedDocument]
        if EWTData.available {
            docs = Array(try CorpusReader.readCoNLLU(path: EWTData.dev).prefix(300))
        } else {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("tagger-mini-\(getpid()).conllu").path
            try """
            1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\t_
            2\tcat\tcat\tNOUN\tNN\t_\t3\tnsubj\t_\t_
            3\tsat\tsit\tVERB\tVBD\t_\t0\troot\t_\tSpaceAfter=No
            4\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_

            """.write(toFile: path, atomically: true, encoding: .utf8)
            docs = try CorpusReader.readCoNLLU(path: path)
        }
        var options = TaggerTrainingOptions()
        options.epochs = 2
        return (TaggerTrainer(options: options).train(docs), docs)
    }

    @Test func saveLoadRoundTrip() throws {
        let (model, docs) = try Self.smallModel()
        let bytes = try model.serialized()
        let loaded = try TaggerModel.load(bytes: bytes, name: "memory")
        #expect(loaded.tagWeights == model.tagWeights)
        #expect(loaded.posWeights == model.posWeights)
        #expect(loaded.nerWeights == model.nerWeights)
        #expect(loaded.previewWeights == model.previewWeights)
        #expect(loaded.tagDictionary == model.tagDictionary)
        #expect(try loaded.serialized() == bytes)
        #expect(model.weightCount > 0)
        for doc in docs.prefix(50) {
            #expect(loaded.annotate(text: doc.text, spans: doc.spans) == model.annotate(text: doc.text, spans: doc.spans))
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tagger-\(getpid()).lmtag").path
        try model.save(to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try TaggerModel.load(path: path).serialized() == bytes)
    }

    @Test func corruptFilesAreRefusedWithTheirName() throws {
        let (model, _) = try Self.smallModel()
        var bytes = try model.serialized()
        var badMagic = bytes
        badMagic[0] ^= 0xFF
        #expect(throws: TaggerModelError.self) { try TaggerModel.load(bytes: badMagic, name: "bad.lmtag") }
        do {
            _ = try TaggerModel.load(bytes: badMagic, name: "bad.lmtag")
        } catch {
            #expect("\(error)".contains("bad.lmtag"))
        }
        bytes[bytes.count - 10] ^= 0x55
        #expect(throws: TaggerModelError.self) { try TaggerModel.load(bytes: bytes, name: "flipped.lmtag") }
        #expect(throws: TaggerModelError.self) { try TaggerModel.load(bytes: Array(bytes.prefix(30)), name: "short.lmtag") }
    }

    @Test func badCoNLLUNamesFileAndLine() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(getpid()).conllu").path
        try "# sent_id = 1\n1\tHi\thi\tINTJ\tUH\t_\t0\troot\t_\t_\n2\tthere\tthere\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try CorpusReader.readCoNLLU(path: path)
            Issue.record("no error")
        } catch {
            #expect("\(error)".contains("\(path):3"))
        }
    }

    @Test func wordsAreKeptAndSpacesTaggedByRule() throws {
        let (model, _) = try Self.smallModel()
        let annotator = NativeAnnotator(model: model, modelSHA256: "test")
        let words = ["Hello", "world", "don't", "split", "me"]
        let tokens = annotator.annotate(.words(words))
        let text = Array(words.joined(separator: " ").utf8)
        #expect(tokens.map { String(decoding: text[Int($0.start)..<Int($0.end)], as: UTF8.self) } == words)
        let spaced = annotator.annotate(.text("Hello  there.\n\nBye"))
        let spaceTokens = spaced.filter { $0.tag == TagSets.tag.id("_SP") }
        #expect(spaceTokens.count == 2)
        #expect(spaceTokens.allSatisfy { $0.pos == TagSets.pos.id("SPACE") && $0.ner == TagSets.ner.id("O") })
        #expect(spaced.filter { $0.tag != TagSets.tag.id("_SP") }.allSatisfy { $0.tag >= 3 && $0.pos >= 3 && $0.ner >= 3 })
        #expect(annotator.fingerprint["model_sha256"] == "test")
    }

    /// One model shared by several threads (one annotator each) gives the same output
    /// as a single thread.
    @Test func sharedModelAcrossThreads() throws {
        let (model, docs) = try Self.smallModel()
        let expected = docs.map { model.annotate(text: $0.text, spans: $0.spans) }
        let results = UnsafeMutableBufferPointer<[[AnnotatedToken]]>.allocate(capacity: 4)
        results.initialize(repeating: [])
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            let session = TaggerSession(model: model)
            results[worker] = docs.map { session.annotate(text: $0.text, spans: $0.spans) }
        }
        for worker in 0..<4 { #expect(results[worker] == expected) }
    }

    /// The shipped model loads and tags a plain sentence as spaCy and EWT would.
    @Test(.enabled(if: TaggerModel.shippedModelURL() != nil)) func shippedModelTagsASentence() throws {
        let annotator = try NativeAnnotator()
        let tokens = annotator.annotate(.text("The cat sat on the mat in London."))
        #expect(tokens.map { TagSets.tag.label($0.tag) } == ["DT", "NN", "VBD", "IN", "DT", "NN", "IN", "NNP", "."])
        #expect(TagSets.ner.label(tokens[7].ner) == "B-GPE")
        #expect(annotator.fingerprint["model_sha256"]?.count == 64)
    }
}
