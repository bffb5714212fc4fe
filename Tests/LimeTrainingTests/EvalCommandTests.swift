import Foundation
import LimeTestSupport
import Testing
@testable import LimeTraining

/// `lime eval` end to end: the binary on a trained run, its text report and its JSON.
@Suite struct EvalCommandTests {
    static var limeBinary: String { LimeTestSupport.limeBinary }

    @Test func evalReportsOverallAndBreakdowns() throws {
        let json = TestData.temporaryDirectory("lime-eval") + "/eval.json"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.limeBinary)
        process.arguments = ["eval", "--checkpoint", GenerationTests.run, "--data", TestData.directory, "--json", json, "--min-count", "1"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.hasPrefix("lime+1 at step \(GenerationTests.steps)"))
        let result = try JSONDecoder().decode(Evaluation.self, from: try Data(contentsOf: URL(fileURLWithPath: json)))
        #expect(result.overall.count > 0)
        #expect(result.overall.accuracy > 0 && result.overall.accuracy <= 1)
        #expect(result.overall.perplexity > 1)
        // The breakdowns partition the targets.
        #expect(result.byPiece.values.reduce(0) { $0 + $1.count } == result.overall.count)
        #expect(result.byTag.values.reduce(0) { $0 + $1.count } == result.overall.count)
        #expect(result.byTag["NN"] != nil)
    }

    /// Runs `lime eval` on `GenerationTests.run` with `arguments`; the decoded JSON result.
    static func evaluate(_ arguments: [String]) throws -> Evaluation {
        let json = TestData.temporaryDirectory("lime-eval-split") + "/eval.json"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: limeBinary)
        process.arguments = ["eval", "--checkpoint", GenerationTests.run, "--json", json, "--max-windows", "0"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "lime eval \(arguments)")
        return try JSONDecoder().decode(Evaluation.self, from: try Data(contentsOf: URL(fileURLWithPath: json)))
    }

    /// `--split validation` on another copy of the data picks the run's held-out documents
    /// (by their pieces), so it scores what the default does; `--split all` scores more.
    @Test func splitSelectsTheHeldOutDocumentsOfAnyShardSet() throws {
        let own = try Self.evaluate([])
        let held = try Self.evaluate(["--data", TestData.directory, "--split", "validation"])
        let all = try Self.evaluate(["--data", TestData.directory])
        #expect(own.overall.count > 0)
        #expect(held == own)
        #expect(all.overall.count > own.overall.count)
        #expect(try Self.evaluate(["--split", "all"]) == all)
    }
}
