import Foundation
import LimeTestSupport
import Testing
@testable import LimeTraining

/// `lime train --data MIX.yaml --shuffle global`, `lime eval` and `lime generate` with
/// multi-kind guides, through the binary.
@Suite struct TrainCommandTests {
    func lime(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: LimeTestSupport.limeBinary)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, o, e)
    }

    @Test func mixtureWithGlobalShuffleTrainsEvaluatesAndGenerates() throws {
        let config = TestData.temporaryDirectory("lime-cli-config") + "/config.json"
        try #"{"context_length": 16, "layers": 1, "d_model": 16, "heads": 2, "mlp_width": 16, "batch_size": 2, "steps": 4, "eval_every": 4, "eval_windows": 4, "threads": 1, "validation_fraction": 0.1}"#
            .write(toFile: config, atomically: true, encoding: .utf8)
        let mix = MixtureData.weighted("mix-cli", "2", "1")
        let run = TestData.temporaryDirectory("lime-cli-run")
        let train = try lime(["train", "--data", mix, "--shuffle", "global", "--variant", "lime+1", "--metadata", "tag,pos,ner",
                              "--config", config, "--tokenizer", TestData.tokenizerPath, "--out", run])
        #expect(train.status == 0, "\(train.err)")
        let (state, _) = try Checkpoint.read(run + "/" + Checkpoint.fileName)
        #expect(state.spec.data == mix && state.spec.config.shuffle == .global && state.cursor.mixture?.sources.count == 2)
        #expect(try lime(["train", "--data", mix, "--shuffle", "random", "--config", config, "--out", run + "-x"]).err.contains("unknown --shuffle"))

        let eval = try lime(["eval", "--checkpoint", run])
        #expect(eval.status == 0 && eval.out.hasPrefix("lime+1 at step 4"), "\(eval.err)")

        let guided = try lime(["generate", "--checkpoint", run, "--prompt", "Praise", "--guide", "NNP/PROPN/B-PERSON NNP",
                               "--guide-ner", "B-PERSON I-PERSON", "--max-tokens", "6"])
        #expect(guided.status == 0 && guided.out.hasPrefix("Praise"), "\(guided.err)")
        let refused = try lime(["generate", "--checkpoint", run, "--prompt", "Praise", "--guide", "NNP NN"])
        #expect(refused.status != 0 && refused.err.contains("ner metadata"), "\(refused.err)")
    }

    @Test func seedFlagOverridesTheConfigsSeed() throws {
        let config = TestData.temporaryDirectory("lime-cli-seed-config") + "/config.json"
        try #"{"context_length": 16, "layers": 1, "d_model": 16, "heads": 2, "mlp_width": 16, "batch_size": 2, "steps": 2, "eval_every": 2, "eval_windows": 4, "threads": 1, "validation_fraction": 0.1, "seed": 1}"#
            .write(toFile: config, atomically: true, encoding: .utf8)
        let run = TestData.temporaryDirectory("lime-cli-seed-run")
        let train = try lime(["train", "--data", TestData.directory, "--variant", "baseline", "--config", config,
                              "--tokenizer", TestData.tokenizerPath, "--seed", "7", "--out", run])
        #expect(train.status == 0, "\(train.err)")
        #expect(try Checkpoint.read(run + "/" + Checkpoint.fileName).state.spec.config.seed == 7)
        let resumed = try lime(["train", "--resume", run, "--seed", "8"])
        #expect(resumed.status != 0 && resumed.err.contains("drop --seed"), "\(resumed.err)")
    }
}
