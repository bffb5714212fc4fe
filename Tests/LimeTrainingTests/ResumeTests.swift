import Foundation
import LimeTransformer
import Testing
@testable import LimeTraining

@Suite struct ResumeTests {
    static func spec(_ variant: Variant, steps: Int = 8) throws -> RunSpec {
        var c = TrainConfig()
        c.contextLength = 16
        c.layers = 1
        c.dModel = 16
        c.heads = 2
        c.mlpWidth = 16
        c.batchSize = 2
        c.steps = steps
        c.warmupSteps = 2
        c.evalEvery = 4
        c.evalWindows = 4
        c.checkpointEvery = 100
        c.logEvery = 100
        c.validationFraction = 0.1
        c.threads = 1
        let dataset = try TestData.dataset()
        return RunSpec(data: TestData.directory, tokenizer: TestData.tokenizerPath, separator: dataset.separator,
                       vocabSize: dataset.vocabSize, variant: try VariantSpec(variant: variant, metadata: [.tag, .ner]), config: c)
    }

    static func weights(_ run: TrainingRun) -> [Float] {
        Array(UnsafeBufferPointer(start: run.model.parameters.values, count: run.model.parameters.count))
    }

    @Test func halfResumeHalfIsBitIdenticalToStraight() throws {
        let spec = try Self.spec(.limePlus1)
        let a = try TrainingRun.start(directory: TestData.temporaryDirectory("lime-run-a"), spec: spec)
        a.log = { _ in }
        try a.train()

        let directory = TestData.temporaryDirectory("lime-run-b")
        let b1 = try TrainingRun.start(directory: directory, spec: spec)
        b1.log = { _ in }
        try b1.train(until: 4)
        #expect(b1.step == 4)
        let b2 = try TrainingRun.resume(directory: directory)
        b2.log = { _ in }
        #expect(b2.step == 4 && b2.loader.cursor == b1.loader.cursor)
        try b2.train()

        #expect(b2.step == 8 && a.step == 8)
        #expect(Self.weights(a) == Self.weights(b2))
        #expect(Self.weights(a) != Self.weights(b1))
        let fa = try Checkpoint.read(a.checkpointPath).floats, fb = try Checkpoint.read(b2.checkpointPath).floats
        #expect(fa == fb)
        // The whole file, not only the floats: no clock reading enters a checkpoint.
        #expect(FileManager.default.contents(atPath: a.checkpointPath) == FileManager.default.contents(atPath: b2.checkpointPath))
        // Training time lives beside the checkpoint and carries over a resume.
        #expect(b1.trainSeconds > 0 && b2.trainSeconds > b1.trainSeconds)
        #expect(TrainingTiming.read(b2.timingPath, step: 8) == b2.trainSeconds)
        #expect(TrainingTiming.read(b2.timingPath, step: 4) == 0)
        // Same metrics lines apart from timing.
        func metrics(_ run: TrainingRun) throws -> [NSDictionary] {
            try String(contentsOfFile: run.metricsPath, encoding: .utf8).split(separator: "\n").map { line in
                var object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                #expect(object["train_seconds"] is Double)
                object["train_seconds"] = nil
                return object as NSDictionary
            }
        }
        #expect(try metrics(a).count == 2)
        #expect(try metrics(a) == metrics(b2))
    }

    @Test func twoThreadRunsWriteIdenticalCheckpoints() throws {
        var spec = try Self.spec(.lime, steps: 4)
        spec.config.threads = 2
        var files: [Data?] = []
        for name in ["lime-run-t2a", "lime-run-t2b"] {
            let run = try TrainingRun.start(directory: TestData.temporaryDirectory(name), spec: spec)
            run.log = { _ in }
            try run.train()
            files.append(FileManager.default.contents(atPath: run.checkpointPath))
        }
        #expect(files[0] != nil && files[0] == files[1])
    }

    @Test func startRefusesAnExistingRunAndResumeRejectsCorruptCheckpoints() throws {
        let spec = try Self.spec(.lime, steps: 2)
        let directory = TestData.temporaryDirectory("lime-run-c")
        let run = try TrainingRun.start(directory: directory, spec: spec)
        run.log = { _ in }
        try run.train()
        #expect(throws: TrainerError.self) { _ = try TrainingRun.start(directory: directory, spec: spec) }
        var bytes = [UInt8](FileManager.default.contents(atPath: run.checkpointPath)!)
        bytes[bytes.count / 2] ^= 1
        FileManager.default.createFile(atPath: run.checkpointPath, contents: Data(bytes))
        #expect(throws: TrainerError.self) { _ = try TrainingRun.resume(directory: directory) }
    }
}
