import ArgumentParser
import Foundation
import LimeData

/// `lime tokenizer train`: a SentencePiece model with lossless settings.
struct Tokenizer: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "SentencePiece tokenizer models.", subcommands: [Train.self])

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Train a SentencePiece model on lime inputs (lossless settings).")

        @Option(name: .long, parsing: .upToNextOption, help: "Input files, directories or globs.")
        var input: [String]
        @Option(name: .long, help: "Vocabulary size.")
        var vocabSize: Int
        @Option(name: .long, help: "Output model file.")
        var output: String
        @Option(name: .long, help: "Model type: unigram or bpe.")
        var modelType = "unigram"
        @Option(name: .long, help: "JSONL field holding the text.")
        var textField = "text"
        @Option(name: .long, help: "Training threads.")
        var threads = 1

        func run() throws {
            var trainer = TokenizerTrainer(vocabSize: vocabSize)
            trainer.modelType = modelType
            trainer.threads = threads
            let result = try TokenizerTraining.train(inputs: input, textField: textField, trainer: trainer, output: output)
            print("lime tokenizer: trained \(modelType) model, vocabulary \(vocabSize), on \(result.documents) documents -> \(output) (sha256 \(result.sha256))")
        }
    }
}
