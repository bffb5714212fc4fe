import CSentencePiece
import Foundation
import LimeSupport

/// Trains SentencePiece models with settings that make decoding lossless: identity
/// normalization, no dummy prefix, extra whitespace kept, byte fallback for anything
/// outside the vocabulary, digits split.
public struct TokenizerTrainer {
    public var vocabSize: Int
    public var modelType: String = "unigram"
    public var characterCoverage: Double = 0.9995
    /// At most this many sentences (lines) are sampled for training.
    public var maxSentences: Int = 2_000_000
    public var threads: Int = 1
    public var seed: UInt32 = 42

    public init(vocabSize: Int) { self.vocabSize = vocabSize }

    private static let lock = NSLock()

    /// The flags passed to SentencePiece's trainer (the sentences come from an iterator
    /// and the model is returned in memory: no path enters the model file).
    public var arguments: String {
        [
            "--vocab_size=\(vocabSize)",
            "--model_type=\(modelType)",
            "--character_coverage=\(characterCoverage)",
            "--byte_fallback=true",
            "--normalization_rule_name=identity",
            "--add_dummy_prefix=false",
            "--remove_extra_whitespaces=false",
            "--allow_whitespace_only_pieces=true",
            "--split_digits=true",
            "--max_sentence_length=65536",
            "--input_sentence_size=\(maxSentences)",
            "--shuffle_input_sentence=true",
            "--num_threads=\(threads)",
            "--minloglevel=1",
        ].joined(separator: " ")
    }

    /// Trains from a plain text file (one sentence per line) and writes the model to
    /// `output` atomically. Returns the model's SHA-256. The same sentences and settings
    /// give the same model bytes.
    @discardableResult
    public func train(textFile: String, output: String) throws -> String {
        // SentencePiece's random generator is process-wide: one training at a time.
        Self.lock.lock()
        defer { Self.lock.unlock() }
        lime_spm_set_random_seed(seed)
        var message: UnsafeMutablePointer<CChar>?
        var buffer: UnsafeMutablePointer<CChar>?
        var length = 0
        if lime_spm_train_lines(arguments, textFile, &buffer, &length, &message) != 0 {
            let reason = message.map { String(cString: $0) } ?? "unknown error"
            lime_spm_free(message)
            throw SentencePieceError("tokenizer training failed: \(reason)")
        }
        defer { lime_spm_free(buffer) }
        let model = Data(bytes: buffer!, count: length)
        try AtomicFile.write(model, to: output)
        return Hashing.hex(Hashing.sha256(model))
    }
}
