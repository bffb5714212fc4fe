import Foundation
import LimeText
import Testing
@testable import LimeTrainer

@Suite struct GenerationTests {
    /// A small LIME+1 model trained on the fixture (tag metadata only).
    static let run: String = {
        var spec = try! ResumeTests.spec(.limePlus1, steps: 160)
        spec.variant = try! VariantSpec(variant: .limePlus1, metadata: [.tag])
        spec.config.contextLength = 32
        spec.config.dModel = 32
        spec.config.heads = 2
        spec.config.mlpWidth = 64
        spec.config.batchSize = 4
        spec.config.learningRate = 1e-2
        spec.config.minLearningRate = 1e-3
        spec.config.warmupSteps = 10
        spec.config.evalEvery = 160
        let directory = TestData.temporaryDirectory("lime-gen-run")
        let run = try! TrainingRun.start(directory: directory, spec: spec)
        run.log = { _ in }
        try! run.train()
        return directory
    }()

    /// Fine-grained tags of the words of `text` (whitespace tokens left out).
    func tags(_ text: String) throws -> [String] {
        guard case .success(let words) = try TestData.makeAnnotator().annotate([.text(text)])[0] else { return [] }
        return words.map { TagSets.tag.label($0.tag) }.filter { $0 != "_SP" }
    }

    @Test func guidedGenerationFollowsItsGuide() throws {
        let generator = try Generator(run: Self.run, annotator: try TestData.makeAnnotator())
        let guide = ["NNP", ",", "NN", "NN", "NN", ".", "NNP", "NN", "NN", ",", "NN", "."]
        var options = Generator.Options()
        options.guide = guide
        options.maxTokens = 60
        let (text, tokens) = try generator.generate(prompt: "Praise Yahweh", options: options)
        #expect(!tokens.isEmpty)
        let produced = try tags(text)
        let matches = zip(produced, guide).filter { $0 == $1 }.count
        print("guided: \(text.debugDescription) tags \(produced)")
        #expect(produced.count >= guide.count / 2)
        #expect(Double(matches) / Double(guide.count) >= 0.6, "tags \(produced) vs guide \(guide)")

        // A different guide steers to different text with its own tags.
        options.guide = [",", "NN", ".", "NNP", ",", "NN", "."]
        let (other, _) = try generator.generate(prompt: "Praise Yahweh", options: options)
        #expect(other != text)
        let otherTags = try tags(other)
        #expect(Double(zip(otherTags, options.guide!).filter { $0 == $1 }.count) / Double(options.guide!.count) >= 0.6, "tags \(otherTags)")
    }

    @Test func limePlus1WithoutGuideAndUnknownTagsAreErrors() throws {
        let generator = try Generator(run: Self.run, annotator: try TestData.makeAnnotator())
        #expect(throws: TrainerError.self) { _ = try generator.generate(prompt: "Praise", options: Generator.Options()) }
        var options = Generator.Options()
        options.guide = ["NOT-A-TAG"]
        #expect(throws: TrainerError.self) { _ = try generator.generate(prompt: "Praise", options: options) }
    }
}
