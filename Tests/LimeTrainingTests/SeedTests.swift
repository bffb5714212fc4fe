import Foundation
import Testing
@testable import LimeTraining

/// The run's seed (config `seed`, `lime train --seed`) decides both the initialization and
/// the data order, so seeds of the ablation are independent replicates.
@Suite struct SeedTests {
    func start(seed: UInt64, _ name: String) throws -> TrainingRun {
        var spec = try ResumeTests.spec(.baseline)
        spec.config.seed = seed
        let run = try TrainingRun.start(directory: TestData.temporaryDirectory(name), spec: spec)
        run.log = { _ in }
        return run
    }

    @Test func seedChangesInitializationAndDataOrder() throws {
        let a = try start(seed: 1, "lime-seed-a"), b = try start(seed: 1, "lime-seed-b"), c = try start(seed: 2, "lime-seed-c")
        #expect(ResumeTests.weights(a) == ResumeTests.weights(b))
        #expect(ResumeTests.weights(a) != ResumeTests.weights(c))
        let batchesA = try (0..<4).map { _ in try a.loader.nextBatch(2).map(\.tokens) }
        let batchesB = try (0..<4).map { _ in try b.loader.nextBatch(2).map(\.tokens) }
        let batchesC = try (0..<4).map { _ in try c.loader.nextBatch(2).map(\.tokens) }
        #expect(batchesA == batchesB)
        #expect(batchesA != batchesC)
        // The validation windows are chosen by document hash, not by the seed.
        #expect(a.validation == c.validation)
    }
}
