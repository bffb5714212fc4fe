import Foundation
import LimeText
import Testing
@testable import LimeTraining

@Suite struct GuideTests {
    /// A tiny LIME+1 model trained with all three metadata kinds (a few steps: the test is
    /// about what it is fed, not what it writes).
    static let run: String = {
        var spec = try! ResumeTests.spec(.limePlus1, steps: 6)
        spec.variant = try! VariantSpec(variant: .limePlus1, metadata: [.tag, .pos, .ner])
        let directory = TestData.temporaryDirectory("lime-guide-run")
        let run = try! TrainingRun.start(directory: directory, spec: spec)
        run.log = { _ in }
        try! run.train()
        return directory
    }()

    static func ids(_ tag: String, _ pos: String, _ ner: String) -> [UInt8] {
        [TagSets.tag.lookup(tag)!, TagSets.pos.lookup(pos)!, TagSets.ner.lookup(ner)!]
    }

    @Test func uposMapCoversEveryTagAndNamesRealUPOS() {
        for label in TagSets.tag.labels.dropFirst(TagSet.reserved.count) {
            let upos = TagSets.upos[label]
            #expect(upos != nil && TagSets.pos.lookup(upos!) != nil, "no UPOS for \(label)")
        }
        #expect(TagSets.uposID(forTag: TagSets.tag.lookup("NNP")!) == TagSets.pos.lookup("PROPN"))
        #expect(TagSets.uposID(forTag: TagSets.tag.lookup("MD")!) == TagSets.pos.lookup("AUX"))
        #expect(TagSets.uposID(forTag: TagSet.separatorID) == nil)
    }

    @Test func parsesSlashWordsAndSeparateListsAndDerivesUPOS() throws {
        let kinds: [MetadataKind] = [.tag, .pos, .ner]
        let slash = try Guide.parse(guide: ["NNP/PROPN/B-PERSON", "NNP//I-PERSON", "VBD/AUX/O"]).resolve(kinds)
        #expect(slash == [Self.ids("NNP", "PROPN", "B-PERSON"), Self.ids("NNP", "PROPN", "I-PERSON"), Self.ids("VBD", "AUX", "O")])
        let lists = try Guide.parse(guide: ["NNP", "NNP", "VBD"], pos: ["PROPN", "", "AUX"], ner: ["B-PERSON", "I-PERSON", "O"]).resolve(kinds)
        #expect(lists == slash)
        // Kinds a model does not use are ignored; the order follows the model's kinds.
        #expect(try Guide.parse(guide: ["NN"]).resolve([.pos, .tag]) == [[TagSets.pos.lookup("NOUN")!, TagSets.tag.lookup("NN")!]])
        #expect(try Guide.parse(guide: nil, pos: ["NOUN"]).resolve([.pos]) == [[TagSets.pos.lookup("NOUN")!]])
    }

    @Test func refusesWhatTheModelNeedsButTheGuideLacks() throws {
        func message(_ body: () throws -> Void) -> String {
            do { try body() } catch { return "\(error)" }
            return ""
        }
        let noNER = message { _ = try Guide.parse(guide: ["DT", "NN"]).resolve([.tag, .ner]) }
        #expect(noNER.contains("ner metadata") && noNER.contains("word 1"))
        let noTag = message { _ = try Guide.parse(guide: nil, pos: ["NOUN"], ner: ["O"]).resolve([.tag, .pos]) }
        #expect(noTag.contains("tag metadata"))
        let noPOS = message { _ = try Guide.parse(guide: nil, ner: ["O"]).resolve([.pos]) }
        #expect(noPOS.contains("pos metadata"))
        #expect(message { _ = try Guide.parse(guide: ["NN/NOUN"]) }.contains("TAG/UPOS/NER"))
        #expect(message { _ = try Guide.parse(guide: ["NN//B-NOPE"]) }.contains("unknown ner 'B-NOPE'"))
        #expect(message { _ = try Guide.parse(guide: ["NN/VERB/O"], pos: ["NOUN"]) }.contains("different pos"))
        #expect(message { _ = try Guide.parse(guide: ["NN", "NN"], ner: ["O"]) }.contains("differ in length"))
    }

    /// Every step of a guided LIME+1 generation feeds, at the position being predicted,
    /// exactly the metadata of the current guide word (all three kinds), words in order.
    @Test func generationFeedsExactlyTheGuidedMetadata() throws {
        let generator = try Generator(run: Self.run, annotator: try TestData.makeAnnotator())
        let words = ["NNP/PROPN/B-PERSON", "NNP//I-PERSON", ",/PUNCT/O", "VBD/VERB/O", "DT/DET/O", "NN/NOUN/B-ORG", "./PUNCT/O"]
        let expected = try Guide.parse(guide: words).resolve([.tag, .pos, .ner])
        #expect(expected[1][1] == TagSets.pos.lookup("PROPN"))  // derived from NNP
        var fed: [[UInt8]] = []
        var fedFull: [[[UInt8]]] = []
        generator.observeInputs = { _, inputs in
            fed.append(inputs.map { $0.last! })
            fedFull.append(inputs)
        }
        var options = Generator.Options()
        options.guide = words
        options.maxTokens = 40
        let (text, tokens) = try generator.generate(prompt: "Praise Yahweh", options: options)
        #expect(!tokens.isEmpty && fed.count >= tokens.count)
        // Each step's last position carries one guide word's metadata, never going back.
        var word = 0
        for m in fed {
            guard let w = expected[word...].firstIndex(of: m) else {
                Issue.record("fed \(m), not a guide word at or after \(word)")
                break
            }
            word = w
        }
        #expect(fed.first == expected[0])
        // Every generated piece already in the context carries its own word's metadata:
        // piece i belongs to word (word starts among pieces 0...i) - 1.
        let start = try generator.encodePrompt("Praise Yahweh").tokens.count
        var wordOf: [Int] = []
        for t in tokens { wordOf.append((wordOf.last ?? -1) + (generator.startsWord(Int(t)) ? 1 : 0)) }
        #expect(wordOf.first == 0)
        let last = fedFull.last!
        let inContext = last[0].count - start  // pieces generated before the last step
        #expect(inContext >= tokens.count - 1 && inContext > 0)
        for i in 0..<min(inContext, tokens.count) {
            for k in 0..<3 { #expect(last[k][start + i - 1] == expected[wordOf[i]][k], "piece \(i) kind \(k)") }
        }

        // The same guide as separate lists feeds the same metadata and writes the same text.
        var fed2: [[UInt8]] = []
        generator.observeInputs = { _, inputs in fed2.append(inputs.map { $0.last! }) }
        var separate = Generator.Options()
        separate.guide = ["NNP", "NNP", ",", "VBD", "DT", "NN", "."]
        separate.guidePOS = ["PROPN", "", "PUNCT", "VERB", "DET", "NOUN", "PUNCT"]
        separate.guideNER = ["B-PERSON", "I-PERSON", "O", "O", "O", "B-ORG", "O"]
        separate.maxTokens = 40
        let (text2, _) = try generator.generate(prompt: "Praise Yahweh", options: separate)
        #expect(fed2 == fed && text2 == text)

        // Tags alone are refused for this model, naming the missing kind.
        var tagsOnly = Generator.Options()
        tagsOnly.guide = ["NNP", "NN"]
        #expect { _ = try generator.generate(prompt: "Praise", options: tagsOnly) } throws: { error in
            "\(error)".contains("ner metadata")
        }
    }
}
