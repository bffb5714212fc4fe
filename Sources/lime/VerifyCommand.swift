import ArgumentParser
import LimeData

/// `lime verify DIR`: exit 0 only if every shard, section and count agrees with the manifest.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check every shard's checksums and counts against the manifest.")

    @Argument(help: "Output directory of `lime run`.")
    var directory: String

    func run() throws {
        let report = try DatasetVerifier.verify(directory: directory)
        let stages = try StageOutputsCheck.verify(directory: directory)
        if report.ok && stages.problems.isEmpty {
            print("ok: \(report.shards) shards, \(report.documents) documents, \(report.tokens) tokens; \(stages.files) annotation files, \(stages.documents) documents")
            return
        }
        for problem in report.problems + stages.problems { print("error: \(problem)") }
        throw ExitCode(1)
    }
}
