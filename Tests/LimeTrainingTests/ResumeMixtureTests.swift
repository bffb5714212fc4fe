import Foundation
import Testing
@testable import LimeTraining

/// Resume stays bit-exact with a mixture and with a global shuffle; plain runs keep
/// writing version-1 checkpoints.
@Suite struct ResumeMixtureTests {
    func version(_ path: String) -> UInt32 {
        let bytes = [UInt8](FileManager.default.contents(atPath: path)!)
        return bytes[8..<12].reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    func halfResumeHalf(_ spec: RunSpec, _ label: String) throws -> (straight: TrainingRun, resumed: TrainingRun) {
        let a = try TrainingRun.start(directory: TestData.temporaryDirectory("\(label)-a"), spec: spec)
        a.log = { _ in }
        try a.train()
        let directory = TestData.temporaryDirectory("\(label)-b")
        let b1 = try TrainingRun.start(directory: directory, spec: spec)
        b1.log = { _ in }
        try b1.train(until: 4)
        let b2 = try TrainingRun.resume(directory: directory)
        b2.log = { _ in }
        #expect(b2.step == 4 && b2.loader.cursor == b1.loader.cursor)
        try b2.train()
        #expect(ResumeTests.weights(a) == ResumeTests.weights(b2))
        #expect(ResumeTests.weights(a) != ResumeTests.weights(b1))
        #expect(FileManager.default.contents(atPath: a.checkpointPath) == FileManager.default.contents(atPath: b2.checkpointPath))
        return (a, b2)
    }

    @Test func mixtureRunResumesBitIdentically() throws {
        var spec = try ResumeTests.spec(.lime)
        spec.data = MixtureData.weighted("mix-resume", "2", "1")
        let (a, b) = try halfResumeHalf(spec, "lime-run-mix")
        #expect(a.loader is MixtureLoader)
        let cursor = b.loader.cursor
        #expect(cursor.mixture?.sources.count == 2)
        #expect(cursor.epoch * 3 + cursor.window == 16)  // 8 steps x batch 2 draws, cycle of 3
        #expect(version(a.checkpointPath) == 2)
        #expect(try Checkpoint.read(b.checkpointPath).state.cursor == cursor)
    }

    @Test func globalShuffleRunResumesBitIdentically() throws {
        var spec = try ResumeTests.spec(.lime)
        spec.config.shuffle = .global
        let (a, _) = try halfResumeHalf(spec, "lime-run-global")
        #expect(a.loader is GlobalShuffleLoader)
        #expect(version(a.checkpointPath) == 2)
    }

    @Test func plainRunsKeepVersionOneAndTheirBytes() throws {
        let spec = try ResumeTests.spec(.lime, steps: 2)
        let run = try TrainingRun.start(directory: TestData.temporaryDirectory("lime-run-v1"), spec: spec)
        run.log = { _ in }
        try run.train()
        #expect(version(run.checkpointPath) == 1)
        #expect(run.loader is TrainingLoader)
        let json = String(decoding: FileManager.default.contents(atPath: run.path(TrainingRun.specFile))!, as: UTF8.self)
        #expect(!json.contains("shuffle") && !json.contains("mixture"))
        // A mixture checkpoint cannot resume a run whose data is a directory.
        var mixSpec = try ResumeTests.spec(.lime, steps: 2)
        mixSpec.data = MixtureData.weighted("mix-swap", "1", "1")
        let mixRun = try TrainingRun.start(directory: TestData.temporaryDirectory("lime-run-swap"), spec: mixSpec)
        mixRun.log = { _ in }
        try mixRun.train()
        let state = try Checkpoint.read(mixRun.checkpointPath).state
        #expect(throws: TrainerError.self) { _ = try TrainingRun(directory: mixRun.directory, spec: spec, state: state) }
    }
}
