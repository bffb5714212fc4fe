import ArgumentParser
import Foundation
import LimeData

/// `lime tokenizer train`: a SentencePiece model with lossless settings.
struct Tokenizer: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tokenizer models: train SentencePiece, time Hugging Face tokenizer.json encoding.",
        subcommands: [Train.self, EncodeBench.self])

    /// `lime tokenizer encode-bench`: times HFTokenizer on a corpus, one thread (read by
    /// Pipelines/bench/bench_hf_tokenizer.py, which times `tokenizers` in the same run).
    struct EncodeBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "encode-bench", abstract: "Time encoding a corpus with a Hugging Face tokenizer.json (one thread).")

        @Option(name: .long, help: "A tokenizer.json file.") var tokenizer: String
        @Option(name: .long, help: "A .jsonl corpus (text field) or a text file (one document per line).") var input: String
        @Option(name: .long, help: "JSONL field holding the text.") var textField = "text"

        func run() throws {
            print(try HFTokenizer.benchmark(tokenizer: tokenizer, input: input, textField: textField).jsonLine)
        }
    }

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
