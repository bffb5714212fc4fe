import ArgumentParser
import Foundation
import LimeData
import LimeTraining

/// `lime generate`: continues a prompt with a trained model (LIME+1 steered by `--guide`,
/// or by its metadata head's predictions).
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate text from a checkpoint; LIME+1 follows a tag per generated word (--guide).")

    @Option(help: "Run directory holding checkpoint.lime.") var checkpoint: String
    @Option(help: "Prompt text (annotated and aligned as in the pipeline).") var prompt: String
    @Option(help: "Metadata of the words to generate, space-separated: a tag or TAG/UPOS/NER per word (e.g. \"DT NN VBZ\", \"NNP/PROPN/B-PERSON NNP//I-PERSON\"; UPOS is derived from the tag when empty; with a metadata head, * predicts a word's metadata and words after the guide are predicted).") var guide: String?
    @Option(help: "UPOS tags of the words to generate, space-separated (one per word).") var guidePos: String?
    @Option(help: "IOB2 entity labels of the words to generate, space-separated (one per word).") var guideNer: String?
    @Option(help: "At most this many pieces.") var maxTokens: Int = 64
    @Option(help: "Sampling temperature (0: greedy).") var temperature: Float = 0
    @Option(help: "Sample among the K most likely pieces.") var topK: Int?
    @Option(help: "Sampling seed.") var seed: UInt64 = 1
    @Option(help: "Annotator (default: the one named in the data's manifest).") var annotator: String?
    @Flag(help: "Also print the generated words with the metadata they were given (word/TAG).") var showTags = false

    func run() throws {
        let generator = try Generator(run: checkpoint) { try dataAnnotator(spec: $0, name: annotator) }
        var options = Generator.Options()
        options.maxTokens = maxTokens
        options.temperature = temperature
        options.topK = topK
        options.seed = seed
        options.guide = guide.map { $0.split(separator: " ").map(String.init) }
        options.guidePOS = guidePos.map { $0.split(separator: " ").map(String.init) }
        options.guideNER = guideNer.map { $0.split(separator: " ").map(String.init) }
        let (text, tokens) = try generator.generate(prompt: prompt, options: options)
        print(prompt + text)
        if showTags { print(generator.taggedText(tokens: tokens, metadata: generator.lastMetadata)) }
    }
}
