import Foundation
import LimeData
import LimeTestSupport
import LimeText
@testable import LimeTraining

/// A real dataset for the trainer tests: the LimeData real-text fixture run through the
/// pipeline (native annotator, SentencePiece vocabulary 600), built once per process.
enum TestData {
    static var fixture: String { LimeTestSupport.realTextFixture }
    static func temporaryDirectory(_ label: String) -> String { LimeTestSupport.temporaryDirectory(label) }
    static var tokenizerPath: String { LimeTestSupport.fixtureTokenizerPath }

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

    /// A small model (d_model 48, context 32) trained `steps` steps on the fixture's shards
    /// in a new directory named after `label`; returns the run directory.
    static func trainedSmallModel(_ label: String, steps: Int, variant: VariantSpec, headWeight: Float? = nil) -> String {
        var spec = try! ResumeTests.spec(variant.variant, steps: steps)
        spec.variant = variant
        spec.config.contextLength = 32
        spec.config.dModel = 48
        spec.config.heads = 2
        spec.config.mlpWidth = 96
        spec.config.batchSize = 4
        spec.config.learningRate = 1e-2
        spec.config.minLearningRate = 1e-3
        spec.config.warmupSteps = 10
        spec.config.evalEvery = steps
        if let headWeight { spec.config.metadataHeadWeight = headWeight }
        let directory = temporaryDirectory(label)
        let run = try! TrainingRun.start(directory: directory, spec: spec)
        run.log = { _ in }
        try! run.train()
        return directory
    }
}
