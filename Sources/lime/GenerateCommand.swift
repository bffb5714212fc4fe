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
    @Option(help: "Tags of the words to generate, space-separated (e.g. \"DT NN VBZ\"; with a metadata head, * predicts a word's tag and words after the guide are predicted).") var guide: String?
    @Option(help: "At most this many pieces.") var maxTokens: Int = 64
    @Option(help: "Sampling temperature (0: greedy).") var temperature: Float = 0
    @Option(help: "Sample among the K most likely pieces.") var topK: Int?
    @Option(help: "Sampling seed.") var seed: UInt64 = 1
    @Option(help: "Annotator (default: the one named in the data's manifest).") var annotator: String?
    @Flag(help: "Also print the generated words with the metadata they were given (word/TAG).") var showTags = false

    func run() throws {
        let (state, _) = try Checkpoint.read((checkpoint as NSString).appendingPathComponent(Checkpoint.fileName))
        let name = try annotator ?? Manifest.read(from: state.spec.data).annotator["name"] ?? "native"
        var config = PipelineConfig()
        config.annotator = name
        let makeAnnotator = try AnnotatorFactory.maker(name: name, config: config)
        let generator = try Generator(run: checkpoint, annotator: try makeAnnotator())
        var options = Generator.Options()
        options.maxTokens = maxTokens
        options.temperature = temperature
        options.topK = topK
        options.seed = seed
        options.guide = guide.map { $0.split(separator: " ").map(String.init) }
        let (text, tokens) = try generator.generate(prompt: prompt, options: options)
        print(prompt + text)
        if showTags { print(generator.taggedText(tokens: tokens, metadata: generator.lastMetadata)) }
    }
}
