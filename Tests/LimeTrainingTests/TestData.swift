import Foundation
import LimeData
import LimeText
@testable import LimeTraining

/// A real dataset for the trainer tests: the LimeData real-text fixture run through the
/// pipeline (native annotator, SentencePiece vocabulary 600), built once per process.
enum TestData {
    static let fixture: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("LimeDataTests/Fixtures/real-text.jsonl").path
    }()

    static func temporaryDirectory(_ label: String) -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(getpid())-\(UUID().uuidString.prefix(8))").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static let tokenizerPath: String = {
        let output = (temporaryDirectory("lime-trainer-tok") as NSString).appendingPathComponent("fixture.model")
        var trainer = TokenizerTrainer(vocabSize: 600)
        trainer.characterCoverage = 1.0
        _ = try! TokenizerTraining.train(inputs: [fixture], textField: "text", trainer: trainer, output: output)
        return output
    }()

    /// The pipeline output directory (8 documents per shard, so several shards).
    static let directory: String = {
        let directory = temporaryDirectory("lime-trainer-data")
        var config = PipelineConfig()
        config.annotator = "native"
        config.tokenizer = tokenizerPath
        config.workers = 1
        config.unitDocuments = 8
        _ = try! Pipeline(inputs: [fixture], directory: directory, config: config, makeAnnotator: makeAnnotator).run()
        return directory
    }()

    /// Makes the pipeline's annotator: the native tagger with the shipped model, as `lime run` does.
    static let makeAnnotator: () throws -> Annotator = {
        var config = PipelineConfig()
        config.annotator = "native"
        return try! AnnotatorFactory.maker(name: "native", config: config)
    }()

    static func dataset() throws -> ShardDataset { try ShardDataset(directory: directory, tokenizer: tokenizerPath) }
}
