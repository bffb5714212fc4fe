import Foundation
import LimeSupport
import Testing
@testable import LimeData

@Suite struct TokenizerTrainingTests {
    /// Training is reproducible: the model's bytes depend on the sentences and the
    /// settings only, not on temporary file names or the output path.
    @Test func sameInputGivesTheSameModelBytes() throws {
        var trainer = TokenizerTrainer(vocabSize: 400)
        trainer.characterCoverage = 1.0
        var models: [Data] = []
        for label in ["first", "second"] {
            let output = (TestSupport.temporaryDirectory("lime-tok-\(label)") as NSString).appendingPathComponent("\(label).model")
            _ = try TokenizerTraining.train(inputs: [TestSupport.fixture("real-text.jsonl")], textField: "text",
                                            trainer: trainer, output: output)
            models.append(try Data(contentsOf: URL(fileURLWithPath: output)))
        }
        #expect(models[0] == models[1], "two trainings on the same input gave different model bytes")
        let text = String(decoding: models[0], as: UTF8.self)
        #expect(!text.contains("lime-spm") && !text.contains(FileManager.default.temporaryDirectory.path),
                "a temporary path was stored in the model")
        let model = try SentencePieceModel(path: (TestSupport.temporaryDirectory("lime-tok-load") as NSString)
            .appendingPathComponent("m.model").writing(models[0]))
        #expect(model.vocabSize == 400)
    }

    @Test func failureNamesTheReason() throws {
        var trainer = TokenizerTrainer(vocabSize: 100_000)
        trainer.characterCoverage = 1.0
        let output = (TestSupport.temporaryDirectory("lime-tok-big") as NSString).appendingPathComponent("big.model")
        #expect(throws: SentencePieceError.self) {
            _ = try TokenizerTraining.train(inputs: [TestSupport.fixture("real-text.jsonl")], textField: "text",
                                            trainer: trainer, output: output)
        }
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}

private extension String {
    /// Writes `data` to this path and returns the path.
    func writing(_ data: Data) throws -> String {
        try data.write(to: URL(fileURLWithPath: self))
        return self
    }
}
