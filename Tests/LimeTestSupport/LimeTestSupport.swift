import Foundation
import LimeData

/// Helpers shared by the Swift test targets: temporary directories, the `lime` binary
/// built beside the tests and a way to run it, the real-text fixture, and a SentencePiece
/// model trained on that fixture.
public enum LimeTestSupport {
    /// `Tests/LimeDataTests/Fixtures/real-text.jsonl`: 52 documents of real English text.
    public static let realTextFixture: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("LimeDataTests/Fixtures/real-text.jsonl").path
    }()

    /// A new empty directory under the system's temporary directory.
    public static func temporaryDirectory(_ label: String = "lime-test") -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(getpid())-\(UUID().uuidString.prefix(8))").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A real SentencePiece model (vocabulary 600) trained once on the real-text fixture.
    public static let fixtureTokenizerPath: String = {
        let output = (temporaryDirectory("lime-tok") as NSString).appendingPathComponent("fixture.model")
        var trainer = TokenizerTrainer(vocabSize: 600)
        trainer.characterCoverage = 1.0
        _ = try! TokenizerTraining.train(inputs: [realTextFixture], textField: "text", trainer: trainer, output: output)
        return output
    }()

    /// The `lime` executable built beside the test bundle.
    public static var limeBinary: String {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [directory, directory.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("lime").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return directory.appendingPathComponent("lime").path
    }

    /// Runs a command to its end, returning its exit status and output (both pipes are
    /// drained concurrently, so a chatty stderr cannot block it).
    @discardableResult
    public static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let errData = DrainedPipe(err)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData.wait(), as: UTF8.self))
    }
}

/// A pipe read to its end on another thread.
private final class DrainedPipe: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ pipe: Pipe) {
        DispatchQueue.global().async { [self] in
            data = pipe.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
