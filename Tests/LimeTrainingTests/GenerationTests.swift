import Foundation
import LimeText
import Testing
@testable import LimeTraining

@Suite struct GenerationTests {
    /// Training steps of `run` (400 were too few: with the current annotations that model put
    /// a period in a noun's slot).
    static let steps = 600

    /// A small LIME+1 model trained on the fixture (tag metadata only).
    static let run: String = {
        TestData.trainedSmallModel("lime-gen-run", steps: steps, variant: try! VariantSpec(variant: .limePlus1, metadata: [.tag]))
    }()

    /// Words of `text` with their tags, as the pipeline's annotator sees them.
    func words(_ text: String) throws -> [(word: String, tag: String)] {
        guard case .success(let tokens) = try TestData.makeAnnotator().annotate([.text(text)])[0] else { return [] }
        let bytes = Array(text.utf8)
        return tokens.map { (String(decoding: bytes[Int($0.start)..<Int($0.end)], as: UTF8.self), TagSets.tag.label($0.tag)) }
            .filter { $0.1 != "_SP" }
    }

    /// A tiny model cannot know many nouns, so the check is structural: one word per guide
    /// tag, punctuation exactly where the guide asks for it (its tag fixes the surface form),
    /// and a word with letters wherever the guide asks for a content word.
    func expectFollows(_ text: String, _ guide: [String]) throws {
        let produced = try words(text)
        print("guided: \(text.debugDescription) -> \(produced.map(\.tag)) for \(guide)")
        #expect(produced.count == guide.count, "one word per guide tag")
        for (word, tag) in zip(produced, guide) {
            if tag == "," || tag == "." {
                #expect(word.tag == tag, "punctuation \(tag) expected, got \(word)")
            } else {
                let hasLetter = word.word.contains { $0.isLetter }
                #expect(hasLetter, "a word expected for \(tag), got \(word)")
            }
        }
    }

    @Test func guidedGenerationFollowsItsGuide() throws {
        let generator = try Generator(run: Self.run, annotator: try TestData.makeAnnotator())
        let guide = ["NNP", ",", "NN", "NN", "NN", ".", "NNP", "NN", "NN", ",", "NN", "."]
        var options = Generator.Options()
        options.guide = guide
        options.maxTokens = 60
        let (text, tokens) = try generator.generate(prompt: "Praise Yahweh", options: options)
        #expect(!tokens.isEmpty)
        try expectFollows(text, guide)

        // A different guide steers to different text that follows it.
        options.guide = [",", "NN", ".", "NNP", ",", "NN", "."]
        let (other, _) = try generator.generate(prompt: "Praise Yahweh", options: options)
        #expect(other != text)
        try expectFollows(other, options.guide!)
    }

    @Test func limePlus1WithoutGuideAndUnknownTagsAreErrors() throws {
        let generator = try Generator(run: Self.run, annotator: try TestData.makeAnnotator())
        #expect(throws: TrainerError.self) { _ = try generator.generate(prompt: "Praise", options: Generator.Options()) }
        var options = Generator.Options()
        options.guide = ["NOT-A-TAG"]
        #expect(throws: TrainerError.self) { _ = try generator.generate(prompt: "Praise", options: options) }
    }
}
